import type { Logger } from 'pino';
import type { BaseEnv } from '@platform/config';
import type { MessagingModuleOptions } from '@platform/messaging';

/** The messaging settings every process takes from its validated env. */
export function messagingOptionsFrom(
  service: string,
  config: BaseEnv,
  logger: Logger,
): MessagingModuleOptions {
  return {
    service,
    url: config.AMQP_URL,
    prefetch: config.AMQP_PREFETCH,
    rpcTimeoutMs: config.RPC_TIMEOUT_MS,
    eventMaxAttempts: config.EVENT_MAX_ATTEMPTS,
    eventRetryBaseMs: config.EVENT_RETRY_BASE_MS,
    logger,
  };
}
