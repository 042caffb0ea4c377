import type { ConsumeMessage } from 'amqplib';
import type { ZodType } from 'zod';
import type { RpcEnvelope } from '@platform/contracts';

/** One RPC pattern a service answers. `schema` validates `data` before the handler sees it. */
export interface RpcRoute {
  pattern: string;
  schema?: ZodType;
  /** `message` is the raw delivery, for handlers that need its properties (the Nest transport's context). */
  handle(envelope: RpcEnvelope, message: ConsumeMessage): Promise<unknown>;
}

/** The queue every instance of a service consumes RPC requests from. */
export function rpcQueueName(service: string): string {
  return `rpc.${service}`;
}
