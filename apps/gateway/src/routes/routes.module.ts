import { Module } from '@nestjs/common';
import { AuthenticationModule } from '../authentication/authentication.module';
import { ThrottlingModule } from '../throttling/throttling.module';
import { PublicApiRegistrar } from './public-api.registrar';
import { RoutePipeline } from './route-pipeline';

/** The public API: the route table turned into Fastify routes, plus its OpenAPI document. */
@Module({
  imports: [AuthenticationModule, ThrottlingModule],
  providers: [RoutePipeline, PublicApiRegistrar],
})
export class RoutesModule {}
