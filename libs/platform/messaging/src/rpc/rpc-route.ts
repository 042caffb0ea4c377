import type { ZodType } from 'zod';
import type { RpcEnvelope } from '@platform/contracts';

/** One RPC pattern a service answers. `schema` validates `data` before the handler sees it. */
export interface RpcRoute {
  pattern: string;
  schema?: ZodType;
  handle(envelope: RpcEnvelope): Promise<unknown>;
}

/** The queue every instance of a service consumes RPC requests from. */
export function rpcQueueName(service: string): string {
  return `rpc.${service}`;
}
