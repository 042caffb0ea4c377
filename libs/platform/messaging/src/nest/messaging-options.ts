import type { MessagingLogger } from '../amqp/messaging-logger';

export interface MessagingModuleOptions {
  service: string;
  url: string;
  prefetch: number;
  rpcTimeoutMs: number;
  eventMaxAttempts: number;
  eventRetryBaseMs: number;
  logger: MessagingLogger;
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
