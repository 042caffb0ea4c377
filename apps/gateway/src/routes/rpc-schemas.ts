import type { z } from 'zod';
import {
  authRpcSchemas,
  multipartRpc,
  objectRpc,
  paymentsRpcSchemas,
  recordingRpc,
} from '@platform/contracts';

/**
 * Request/result schemas of every RPC pattern the gateway routes to, from the contracts. A new
 * service's routes add its `<service>RpcSchemas` here.
 */
export const ROUTED_RPC_SCHEMAS = {
  ...authRpcSchemas,
  ...paymentsRpcSchemas,
  ...objectRpc,
  ...multipartRpc,
  ...recordingRpc,
} satisfies Record<string, { request: z.ZodType; result: z.ZodType }>;

export type RoutedRpcPattern = keyof typeof ROUTED_RPC_SCHEMAS;
export type RpcRequestOf<P extends RoutedRpcPattern> = z.input<(typeof ROUTED_RPC_SCHEMAS)[P]['request']>;
export type RpcResultOf<P extends RoutedRpcPattern> = z.infer<(typeof ROUTED_RPC_SCHEMAS)[P]['result']>;

/** `auth.session.login` → `auth`: the backend service a pattern reaches. */
export function serviceOfPattern(pattern: string): string {
  return pattern.slice(0, pattern.indexOf('.'));
}
