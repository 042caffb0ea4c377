// Local stand-ins for external providers, for tests only: mail (SMTP), OIDC (Google, Microsoft), GitHub, Stripe, Gemini, S3.
export * from './http/follow-authorization';
export * from './smtp/smtp-sink';
export * from './oidc/fake-oidc-provider';
export type { FakeGitHubAccount, FakeGitHubEmail } from './github/github-state';
export * from './github/fake-github';
export * from './oauth-env';
// Payment providers: AZUL (JSON web service over mutual TLS, 3-D Secure ACS pages) and Mercado Pago.
export * from './azul/test-certificates';
export * from './azul/azul-test-cards';
export type { FakeAzulTransaction } from './azul/azul-ledger';
export * from './azul/fake-azul';
export * from './mercadopago/fake-mercadopago';
export * from './stripe/fake-stripe';
export type { FakeCard } from './stripe/setup-intents';
export * from './s3/fake-s3';
export * from './gemini/fake-gemini';
