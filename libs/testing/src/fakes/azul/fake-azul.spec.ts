import { request } from 'node:https';
import { AZUL_TEST_CARDS } from './azul-test-cards';
import { startFakeAzul, type FakeAzul } from './fake-azul';
import { createTestPki, type TestPki } from './test-certificates';

/** Posts one raw JSON message with the merchant's certificate, as AZUL's own examples do. */
function post(
  fake: FakeAzul,
  pki: TestPki,
  query: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise<Record<string, unknown>>((resolve, reject) => {
    const req = request(
      `${fake.url}${query}`,
      {
        method: 'POST',
        cert: pki.read(pki.clientCertPath),
        key: pki.read(pki.clientKeyPath),
        ca: pki.read(pki.caCertPath),
        headers: { 'content-type': 'application/json', Auth1: fake.auth1, Auth2: fake.auth2, ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => resolve(JSON.parse(text) as Record<string, unknown>));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('fake AZUL web service', () => {
  let pki: TestPki;
  let fake: FakeAzul;
  const base = () => ({
    Channel: fake.channel,
    Store: fake.store,
    PosInputMode: 'E-Commerce',
    AcquirerRefData: '1',
  });
  const sale = (extra: Record<string, unknown>) => ({
    ...base(),
    TrxType: 'Sale',
    CardNumber: AZUL_TEST_CARDS.approved,
    Expiration: '202812',
    CVC: '123',
    Amount: '10000',
    Itbis: '1525',
    OrderNumber: '',
    ForceNo3DS: '1',
    ...extra,
  });

  beforeAll(async () => {
    pki = createTestPki();
    fake = await startFakeAzul({ pki });
  });
  afterAll(async () => {
    await fake.close();
    pki.remove();
  });

  it('answers AZUL validation errors for bad store, channel, amount and body', async () => {
    await expect(post(fake, pki, '', sale({ Store: '1' }))).resolves.toMatchObject({
      ResponseCode: 'Error',
      ErrorDescription: 'INVALID_MERCHANTID',
    });
    await expect(post(fake, pki, '', sale({ Channel: 'XX' }))).resolves.toMatchObject({
      ErrorDescription: 'INVALID_CHANNEL',
    });
    await expect(post(fake, pki, '', sale({ Amount: '10.00' }))).resolves.toMatchObject({
      ErrorDescription: 'VALIDATION_ERROR:Amount',
    });
    await expect(post(fake, pki, '', sale({ Itbis: '20000' }))).resolves.toMatchObject({
      ErrorDescription: 'VALIDATION_ERROR:Itbis',
    });
    await expect(post(fake, pki, '', '{not json')).resolves.toMatchObject({
      ErrorDescription: 'PARSING_ERROR',
    });
    await expect(post(fake, pki, '?NoSuchMethod', sale({}))).resolves.toMatchObject({
      ErrorDescription: 'PARSING_ERROR',
    });
    expect(fake.transactions).toHaveLength(0);
  });

  it('accepts the method name in any case (AZUL documents ?processthreedschallenge)', async () => {
    const hold = await post(fake, pki, '', sale({ TrxType: 'Hold', CustomOrderId: 'case-1' }));
    await expect(
      post(fake, pki, '?processvoid', { ...base(), AzulOrderId: hold['AzulOrderId'] }),
    ).resolves.toMatchObject({ IsoCode: '00' });
  });

  it('posts at most 115% of a hold', async () => {
    const hold = await post(fake, pki, '', sale({ TrxType: 'Hold', CustomOrderId: 'hold-115' }));
    await expect(
      post(fake, pki, '?ProcessPost', {
        ...base(),
        AzulOrderId: hold['AzulOrderId'],
        Amount: '11501',
        Itbis: '0',
      }),
    ).resolves.toMatchObject({
      ErrorDescription: 'Amount to be posted cannot be greater than 15pct of original Hold/preAuth.',
    });
    await expect(
      post(fake, pki, '?ProcessPost', {
        ...base(),
        AzulOrderId: hold['AzulOrderId'],
        Amount: '11500',
        Itbis: '0',
      }),
    ).resolves.toMatchObject({
      IsoCode: '00',
    });
  });

  it('refunds no more than the original amount', async () => {
    const original = await post(fake, pki, '', sale({ CustomOrderId: 'refund-max' }));
    const refund = (amount: string, key: string) =>
      post(fake, pki, '', {
        ...base(),
        TrxType: 'Refund',
        AzulOrderId: original['AzulOrderId'],
        Amount: amount,
        Itbis: '0',
        CustomOrderId: key,
      });
    await expect(refund('10001', 'r-1')).resolves.toMatchObject({ ResponseCode: 'Error' });
    await expect(refund('10000', 'r-2')).resolves.toMatchObject({ IsoCode: '00' });
  });

  it('serves the ACS pages to a browser without a client certificate', async () => {
    const first = await post(
      fake,
      pki,
      '',
      sale({
        CardNumber: AZUL_TEST_CARDS.threeDsChallenge,
        ForceNo3DS: '0',
        CustomOrderId: 'acs-1',
        ThreeDSAuth: {
          TermUrl: 'https://shop.example.test/term',
          MethodNotificationUrl: 'https://shop.example.test/method',
        },
      }),
    );
    const challenge = first['ThreeDSChallenge'] as { CReq: string; RedirectPostUrl: string };
    // completeChallenge connects with the CA only, no client certificate, like a browser.
    const { cRes, termUrl } = await fake.completeChallenge(challenge.RedirectPostUrl, challenge.CReq, true);
    expect(termUrl).toBe('https://shop.example.test/term');
    expect(JSON.parse(Buffer.from(cRes, 'base64').toString('utf8'))).toMatchObject({
      messageType: 'CRes',
      transStatus: 'Y',
    });
  });
});
