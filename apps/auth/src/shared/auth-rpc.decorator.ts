import { RpcHandler } from '@platform/messaging';
import { authRpcSchemas } from '@platform/contracts';

/**
 * `@RpcHandler` for an auth pattern with its request schema from the contract, so a handler can
 * never validate against a different schema than the one the gateway publishes.
 */
export const AuthRpc = (pattern: keyof typeof authRpcSchemas): MethodDecorator =>
  RpcHandler(pattern, { schema: authRpcSchemas[pattern].request });
