import { SetMetadata } from '@nestjs/common';
import type { ZodType } from 'zod';

export const RPC_HANDLER_METADATA = 'platform:rpc-handler';
export const EVENT_HANDLER_METADATA = 'platform:event-handler';

export interface RpcHandlerMetadata {
  pattern: string;
  schema?: ZodType;
}

export interface EventHandlerMetadata {
  /** Names the consumer's queue `<service>.<name>`; renaming it orphans the old queue. */
  name: string;
  routingKeys: string[];
  schema?: ZodType;
  maxAttempts?: number;
}

/** Marks a provider method as the handler of an RPC pattern (`<service>.<entity>.<verb>`). */
export const RpcHandler = (pattern: string, options: { schema?: ZodType } = {}): MethodDecorator =>
  SetMetadata<string, RpcHandlerMetadata>(RPC_HANDLER_METADATA, { pattern, schema: options.schema });

/** Marks a provider method as an event consumer with its own durable queue. */
export const EventHandler = (options: {
  name: string;
  routingKeys: string | string[];
  schema?: ZodType;
  maxAttempts?: number;
}): MethodDecorator =>
  SetMetadata<string, EventHandlerMetadata>(EVENT_HANDLER_METADATA, {
    ...options,
    routingKeys: Array.isArray(options.routingKeys) ? options.routingKeys : [options.routingKeys],
  });
