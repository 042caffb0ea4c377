import { Module } from '@nestjs/common';
import { AuthenticationModule } from '../authentication/authentication.module';
import { ThrottlingModule } from '../throttling/throttling.module';
import { ConnectionLeases } from './connection-leases';
import { WebSocketAdmission } from './websocket-admission';
import { WebSocketEdge } from './websocket-edge';
import { WebSocketTickets } from './websocket-tickets';

/** The `websocket` route kind: admission, tickets, per-organization leases and the relay. */
@Module({
  imports: [AuthenticationModule, ThrottlingModule],
  providers: [WebSocketTickets, ConnectionLeases, WebSocketAdmission, WebSocketEdge],
  exports: [WebSocketEdge, WebSocketAdmission, WebSocketTickets],
})
export class WebSocketModule {}
