import { randomUUID } from 'node:crypto';
import { PAYMENTS_RPC, type AzulPaymentDto } from '@platform/contracts';
import { AZUL_TEST_CARDS, waitFor } from '@platform/testing';
import { REGIONAL_PROVIDERS } from '../src/providers/providers.module';
import type { RegionalProviders } from '../src/providers/regional-providers';
import { member, startPaymentsTestApp, type PaymentsTestApp } from './support/payments-test-app';

const RETURN_URL = 'https://app.example.test/billing/azul?tab=payments';

/**
 * With AZUL_RETURN_URL set, the cardholder's browser that posts the 3-D Secure challenge result is
 * sent on to the app (303) once the result is stored; the method step, posted by a hidden iframe,
 * still gets JSON; a refused post is still a 400 problem, never a redirect.
 */
describe('payments: AZUL 3-D Secure, the browser sent back to the app', () => {
  let app: PaymentsTestApp;

  beforeAll(async () => {
    app = await startPaymentsTestApp({ AZUL_RETURN_URL: RETURN_URL }, { azul: true });
  }, 90_000);
  afterAll(() => app?.stop());

  it('method step: JSON; challenge result: 303 to AZUL_RETURN_URL with azul3ds=received, and the payment completes', async () => {
    const org = randomUUID();
    const owner = member(org, ['owner']);
    const regional = app.bed.service.app.get<RegionalProviders>(REGIONAL_PROVIDERS);
    const { dataVaultToken } = await regional.azul!.client.createToken({
      number: AZUL_TEST_CARDS.threeDsMethodChallenge,
      expiration: '202812',
    });
    const { data: started } = (await app.bed.rpc.callWithMeta(PAYMENTS_RPC.startAzulPayment, {
      principal: owner,
      data: { plan: 'STARTER', paymentToken: dataVaultToken },
      meta: { requestId: randomUUID(), idempotencyKey: 'browser-return' },
    })) as { data: AzulPaymentDto };
    const sale = app.azul!.received.filter((r) => r.operation === 'ProcessPayment').at(-1)!;
    const methodUrl = (sale.body['ThreeDSAuth'] as { MethodNotificationUrl: string }).MethodNotificationUrl;

    const method = await app.postAzulCallback(methodUrl, { threeDSMethodData: 'eyJ4IjoieCJ9' });
    expect(method.status).toBe(200);
    expect(await method.json()).toEqual({ received: true, duplicate: false });
    await app.inboxDrained();
    const challenge = (await app.bed.call(
      PAYMENTS_RPC.getAzulPayment,
      { id: started.id },
      owner,
    )) as AzulPaymentDto;
    const { cRes, termUrl } = await app.azul!.completeChallenge(
      challenge.threeDs!.redirectPostUrl!,
      challenge.threeDs!.creq!,
      true,
    );

    const result = await app.postAzulCallback(termUrl, { cRes });
    expect(result.status).toBe(303);
    expect(result.headers.get('location')).toBe(
      'https://app.example.test/billing/azul?tab=payments&azul3ds=received',
    );
    await waitFor(
      'active',
      async () =>
        ((await app.bed.call(PAYMENTS_RPC.getSubscription, {}, owner)) as { status: string }).status ===
        'ACTIVE',
    );

    // The same post again (a browser resubmitting): stored once, sent on again.
    const again = await app.postAzulCallback(termUrl, { cRes });
    expect([again.status, again.headers.get('location')]).toEqual([303, result.headers.get('location')]);
  });

  it('a refused post is a 400 problem, not a redirect', async () => {
    const refused = await app.postAzulCallback(`https://api.example.test/v1/webhooks/azul?session=forged`, {
      cRes: 'x',
    });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('location')).toBeNull();
    expect(await refused.json()).toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' });
  });
});
