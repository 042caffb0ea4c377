import { readFileSync } from 'node:fs';
import type { ProviderEnv } from '../../config/provider-env';
import { CircuitBreaker, type BreakerState } from '@platform/resilience';
import { AzulClient } from './azul-client';
import { AzulTransport } from './azul-transport';

export interface AzulClientHandle {
  client: AzulClient;
  close(): void;
}

/**
 * The AZUL client the env describes, or null when AZUL is not configured. Certificate files are read
 * once at start: a missing or unreadable file fails the start, not the first charge.
 */
export function createAzulClient(
  env: ProviderEnv,
  options: { now?: () => number; onBreakerChange?: (from: BreakerState, to: BreakerState) => void } = {},
): AzulClientHandle | null {
  const { AZUL_URL, AZUL_MERCHANT_ID, AZUL_AUTH1, AZUL_AUTH2, AZUL_CERT_PATH, AZUL_KEY_PATH } = env;
  if (!AZUL_URL || !AZUL_MERCHANT_ID || !AZUL_AUTH1 || !AZUL_AUTH2 || !AZUL_CERT_PATH || !AZUL_KEY_PATH)
    return null;
  const transport = new AzulTransport({
    url: AZUL_URL,
    auth1: AZUL_AUTH1,
    auth2: AZUL_AUTH2,
    cert: readFileSync(AZUL_CERT_PATH),
    key: readFileSync(AZUL_KEY_PATH),
    ca: env.AZUL_CA_PATH ? readFileSync(env.AZUL_CA_PATH) : undefined,
    timeoutMs: env.AZUL_TIMEOUT_MS,
  });
  const breaker = new CircuitBreaker(
    'azul',
    { consecutiveFailures: env.AZUL_BREAKER_CONSECUTIVE_FAILURES, coolDownMs: env.AZUL_BREAKER_COOLDOWN_MS },
    options.now,
    options.onBreakerChange,
  );
  const client = new AzulClient(
    transport,
    { store: AZUL_MERCHANT_ID, channel: env.AZUL_CHANNEL, posInputMode: env.AZUL_POS_INPUT_MODE },
    breaker,
  );
  return { client, close: () => transport.close() };
}
