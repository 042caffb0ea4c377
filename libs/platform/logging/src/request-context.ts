import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line of one request (or one consumed message) carries. */
export interface RequestContext {
  requestId: string;
  /** Set once the caller is known; mutable on purpose so an auth step can fill it in for the rest of the request. */
  organizationId?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/**
 * Request-scoped context without passing it through every call: HTTP hooks and message consumers
 * `run` the handler inside it, and the logger mixin reads it on every line.
 */
export const requestContext = {
  run<T>(ctx: RequestContext, fn: () => T): T {
    return storage.run(ctx, fn);
  },
  get(): RequestContext | undefined {
    return storage.getStore();
  },
};
