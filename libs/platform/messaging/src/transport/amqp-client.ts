import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import {
  type PlatformEventInput,
  type PlatformEventName,
  type PlatformRpcPattern,
  type PlatformRpcRequest,
  type PlatformRpcResult,
  type RpcEnvelope,
} from '@platform/contracts';
import type { EventEnvelope } from '@platform/contracts';
import type { EventPublisher } from '../events/event-publisher';
import type { RpcCallOutcome } from '../rpc/replayed-result';
import type { RpcCallOptions, RpcClient } from '../rpc/rpc-client';

/**
 * The platform's `ClientProxy`: `send`/`emit` work as in any Nest transport, and `call`/`publish`
 * are typed from the contracts, so `client.call('auth.member.list', envelope)` knows the request and
 * the result from the pattern alone. Underneath it is the amqplib layer's RpcClient (direct reply-to,
 * `mandatory` → RPC_NO_ROUTE, `expiration` = timeout, RPC_TIMEOUT) and EventPublisher (confirms,
 * re-publish across reconnects). The connection is the process's own; `close` leaves it open.
 */
export class AmqpClient extends ClientProxy {
  constructor(
    private readonly rpc: RpcClient,
    private readonly events: EventPublisher,
  ) {
    super();
  }

  call<P extends PlatformRpcPattern>(
    pattern: P,
    envelope: RpcEnvelope<PlatformRpcRequest<P>>,
    options?: RpcCallOptions,
  ): Promise<PlatformRpcResult<P>> {
    return this.rpc.call<PlatformRpcResult<P>>(pattern, envelope, options);
  }

  /** `call`, plus `replayed` (the stored answer of an earlier run of the same command). */
  callWithMeta<P extends PlatformRpcPattern>(
    pattern: P,
    envelope: RpcEnvelope<PlatformRpcRequest<P>>,
    options?: RpcCallOptions,
  ): Promise<RpcCallOutcome<PlatformRpcResult<P>>> {
    return this.rpc.callWithMeta<PlatformRpcResult<P>>(pattern, envelope, options);
  }

  /** Publishes with confirms; the payload is checked against the contract first. */
  publishEvent<E extends PlatformEventName>(
    event: E,
    payload: PlatformEventInput<E>,
  ): Promise<EventEnvelope<PlatformEventInput<E>>> {
    return this.events.publishEvent(event, payload);
  }

  async connect(): Promise<void> {
    // The shared AmqpConnection connects at module init and heals itself.
  }

  close(): void {
    // The connection belongs to the process (MessagingModule closes it at shutdown).
  }

  unwrap<T>(): T {
    return this.rpc as T;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    this.rpc.call(String(packet.pattern), packet.data as RpcEnvelope).then(
      (response) => callback({ response, isDisposed: true }),
      (err: unknown) => callback({ err, isDisposed: true }),
    );
    return () => undefined;
  }

  protected async dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    return (await this.events.publish(String(packet.pattern), packet.data)) as T;
  }
}
