import { providerEnvProblems, providerEnvSchema } from './provider-env';

describe('provider env', () => {
  const azul = {
    AZUL_URL: 'https://pagos.azul.com.do/WebServices/JSON/Default.aspx',
    AZUL_MERCHANT_ID: '39038540035',
    AZUL_AUTH1: 'a1',
    AZUL_AUTH2: 'a2',
    AZUL_CERT_PATH: '/run/secrets/azul.crt',
    AZUL_KEY_PATH: '/run/secrets/azul.key',
    AZUL_CALLBACK_SECRET: 'x'.repeat(32),
  };

  it('defaults: no provider configured, no problem', () => {
    const env = providerEnvSchema.parse({});
    expect(env).toMatchObject({
      AZUL_CHANNEL: 'EC',
      AZUL_TIMEOUT_MS: 30_000,
      AZUL_BREAKER_CONSECUTIVE_FAILURES: 3,
    });
    expect(providerEnvProblems(env, 'production')).toEqual([]);
  });

  it('AZUL is all or nothing', () => {
    expect(providerEnvProblems(providerEnvSchema.parse(azul), 'production')).toEqual([]);
    const { AZUL_CALLBACK_SECRET: _secret, ...withoutSecret } = azul;
    expect(providerEnvProblems(providerEnvSchema.parse(withoutSecret), 'production')).toEqual([
      'AZUL needs AZUL_CALLBACK_SECRET (signs the 3-D Secure callback URLs)',
    ]);
    const { AZUL_KEY_PATH: _key, ...withoutKey } = azul;
    expect(providerEnvProblems(providerEnvSchema.parse(withoutKey), 'production')).toEqual([
      'AZUL needs all of AZUL_URL, AZUL_MERCHANT_ID, AZUL_AUTH1, AZUL_AUTH2, AZUL_CERT_PATH, AZUL_KEY_PATH',
    ]);
  });

  it('refuses plain http for AZUL and a merchant id longer than AZUL’s 11 characters', () => {
    expect(providerEnvSchema.safeParse({ AZUL_URL: 'http://pagos.azul.com.do/x' }).success).toBe(false);
    expect(providerEnvSchema.safeParse({ AZUL_MERCHANT_ID: '123456789012' }).success).toBe(false);
  });

  it('Mercado Pago needs its webhook secret, and the fake base URL is refused in production', () => {
    const mp = providerEnvSchema.parse({
      MERCADOPAGO_ACCESS_TOKEN: 'APP_USR-1',
      MERCADOPAGO_API_BASE_URL: 'http://127.0.0.1:9',
    });
    expect(providerEnvProblems(mp, 'test')).toEqual([
      'MERCADOPAGO_ACCESS_TOKEN needs MERCADOPAGO_WEBHOOK_SECRET (unsigned notifications are refused)',
    ]);
    expect(providerEnvProblems(mp, 'production')).toContain(
      'MERCADOPAGO_API_BASE_URL is for tests only and must be unset in production',
    );
  });

  it('parses local plan prices and refuses unknown plans or decimals', () => {
    expect(
      providerEnvSchema.parse({ AZUL_PLAN_PRICES_CENTS: 'STARTER:175000,PROFESSIONAL:590000' })
        .AZUL_PLAN_PRICES_CENTS,
    ).toEqual({
      STARTER: 175_000,
      PROFESSIONAL: 590_000,
    });
    expect(providerEnvSchema.safeParse({ AZUL_PLAN_PRICES_CENTS: 'FREE:0' }).success).toBe(false);
    expect(providerEnvSchema.safeParse({ MERCADOPAGO_PLAN_PRICES_CENTS: 'STARTER:119.00' }).success).toBe(
      false,
    );
  });
});
