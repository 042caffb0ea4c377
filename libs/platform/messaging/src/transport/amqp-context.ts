import { BaseRpcContext } from '@nestjs/microservices';
import type { ConsumeMessage } from 'amqplib';
import type { EventEnvelope, Principal, RpcEnvelope, RpcMeta } from '@platform/contracts';

interface AmqpContextArgs {
  kind: 'rpc' | 'event';
  pattern: string;
  message: ConsumeMessage;
  rpc?: RpcEnvelope;
  event?: EventEnvelope;
}

/**
 * What `@Ctx()` gives an AMQP handler: the envelope (principal, meta) of an RPC, or the event
 * envelope (id, occurredAt) of an event, and the raw delivery. Guards and param decorators read the
 * principal from here, never from `data`.
 */
export class AmqpContext extends BaseRpcContext<[AmqpContextArgs]> {
  constructor(args: AmqpContextArgs) {
    super([args]);
  }

  private get parts(): AmqpContextArgs {
    return this.args[0];
  }

  get kind(): 'rpc' | 'event' {
    return this.parts.kind;
  }

  /** The RPC pattern or the event's routing key. */
  get pattern(): string {
    return this.parts.pattern;
  }

  get message(): ConsumeMessage {
    return this.parts.message;
  }

  /** The RPC envelope; undefined for an event. */
  get envelope(): RpcEnvelope | undefined {
    return this.parts.rpc;
  }

  /** The event envelope (its `id` is the dedup key for `processOnce`); undefined for an RPC. */
  get event(): EventEnvelope | undefined {
    return this.parts.event;
  }

  /** Who called; null for events (they carry their tenant in the payload) and anonymous RPCs. */
  get principal(): Principal | null {
    return this.parts.rpc?.principal ?? null;
  }

  get meta(): RpcMeta | undefined {
    return this.parts.rpc?.meta;
  }
}
