import { verifyMercadoPagoSignature } from './mercadopago-signature';

// Expected HMACs computed outside this code with:
//   printf '<manifest>' | openssl dgst -sha256 -hmac 'test-secret'
const SECRET = 'test-secret';
const REQUEST_ID = 'bb56a2f1-6aae-46ac-982e-9dcd3581d08e';
const TS_MS = '1742505638683';
const AT_TS = new Date(1742505638683);
const V1_NUMERIC = '9183876b0461ce2d229394a1feef35d6e4c76e09358e7d4583705b7d14183a6a';
const V1_ALNUM_LOWERED = '4455c1e12aab6abbac7edab2108481dd7d417ce5763cd08577eec40483ab964d';
const V1_NON_ALNUM_AS_SENT = '0aef06a80d2c7f6288af722113b300b111a1f288acbf2a0af346dd0fbb3bcd76';
const V1_NO_REQUEST_ID_SECONDS = 'd51a4af70fd186a0d339a3fb0fa677ebfcaf07a5c031b8fc24f810b74aa0aebc';
/** A notification captured an hour earlier: ts 1742502038683 (id 123456, the same request id). */
const CAPTURED_TS = '1742502038683';
const V1_CAPTURED = 'bee45927b2b66692ba2001c2dc9980d0a74dfcb3733908a1d516fca4e55c6fd1';
/** ts exactly 10^12 (read as milliseconds) and 10^12 - 1 (read as seconds). */
const V1_TS_1E12 = 'b9e181e8493c0ecb148d96bdd34f48695ef3bf2f80226e82975aa4558140d30b';
const V1_TS_1E12_MINUS_1 = '7dea54f71c4b50f3b8342a9817d6f9c3bc7cfce72eaf2a3293faab5d64f7a4a2';

// Manifest: id:<data.id, lower-cased if alphanumeric>;request-id:<x-request-id>;ts:<ts>; (absent parts left out).
describe('Mercado Pago x-signature', () => {
  it('accepts a valid signature', () => {
    const verdict = verifyMercadoPagoSignature(
      { signature: `ts=${TS_MS},v1=${V1_NUMERIC}`, requestId: REQUEST_ID, dataId: '123456' },
      SECRET,
      AT_TS,
      300,
    );
    expect(verdict).toEqual({ valid: true, ts: 1742505638683 });
  });

  it('accepts spaces around = and after the comma and an upper-case alphanumeric data.id', () => {
    const verdict = verifyMercadoPagoSignature(
      { signature: `ts = ${TS_MS}, v1=${V1_ALNUM_LOWERED}`, requestId: REQUEST_ID, dataId: 'ABC123DEF' },
      SECRET,
      AT_TS,
      300,
    );
    expect(verdict.valid).toBe(true);
  });

  it('signs a data.id that is not alphanumeric as sent (no lower-casing)', () => {
    const verdict = verifyMercadoPagoSignature(
      { signature: `ts=${TS_MS},v1=${V1_NON_ALNUM_AS_SENT}`, requestId: REQUEST_ID, dataId: 'ABC-123' },
      SECRET,
      AT_TS,
      300,
    );
    expect(verdict.valid).toBe(true);
  });

  it('refuses a v1 that is not a 64-digit hash as a bad signature', () => {
    const verdict = verifyMercadoPagoSignature(
      { signature: `ts=${TS_MS},v1=zz`, requestId: REQUEST_ID, dataId: '123456' },
      SECRET,
      AT_TS,
      300,
    );
    expect(verdict).toEqual({ valid: false, reason: 'bad-signature' });
  });

  it('leaves out what the notification lacks (no x-request-id) and reads a 10-digit ts as seconds', () => {
    const verdict = verifyMercadoPagoSignature(
      { signature: `ts=1742505638,v1=${V1_NO_REQUEST_ID_SECONDS}`, requestId: undefined, dataId: '123456' },
      SECRET,
      new Date(1742505638000 + 10_000),
      300,
    );
    expect(verdict).toEqual({ valid: true, ts: 1742505638000 });
  });

  it.each([
    ['another data.id', { dataId: '123457' }],
    ['another request id', { requestId: 'aaaaaaaa-6aae-46ac-982e-9dcd3581d08e' }],
    ['another ts', { signature: `ts=1742505638684,v1=${V1_NUMERIC}` }],
    ['another secret', { secret: 'not-the-secret' }],
  ])('refuses a forged signature (%s)', (_label, change: Record<string, string>) => {
    const verdict = verifyMercadoPagoSignature(
      {
        signature: change['signature'] ?? `ts=${TS_MS},v1=${V1_NUMERIC}`,
        requestId: change['requestId'] ?? REQUEST_ID,
        dataId: change['dataId'] ?? '123456',
      },
      change['secret'] ?? SECRET,
      AT_TS,
      300,
    );
    expect(verdict).toEqual({ valid: false, reason: 'bad-signature' });
  });

  it('refuses a stale ts beyond the tolerance, and one from the future', () => {
    const input = { signature: `ts=${TS_MS},v1=${V1_NUMERIC}`, requestId: REQUEST_ID, dataId: '123456' };
    expect(verifyMercadoPagoSignature(input, SECRET, new Date(AT_TS.getTime() + 300_000), 300).valid).toBe(
      true,
    );
    expect(verifyMercadoPagoSignature(input, SECRET, new Date(AT_TS.getTime() + 300_001), 300)).toEqual({
      valid: false,
      reason: 'stale-timestamp',
    });
    expect(verifyMercadoPagoSignature(input, SECRET, new Date(AT_TS.getTime() - 300_001), 300)).toEqual({
      valid: false,
      reason: 'stale-timestamp',
    });
  });

  it.each([
    [undefined, 'missing-signature'],
    ['', 'missing-signature'],
    ['v1=' + V1_NUMERIC, 'malformed'],
    [`ts=${TS_MS}`, 'malformed'],
    [`ts=abc,v1=${V1_NUMERIC}`, 'malformed'],
    ['   ', 'missing-signature'],
    ['garbage', 'malformed'],
  ])('refuses header %p as %s', (signature, reason) => {
    expect(
      verifyMercadoPagoSignature({ signature, requestId: REQUEST_ID, dataId: '123456' }, SECRET, AT_TS, 300),
    ).toEqual({
      valid: false,
      reason,
    });
  });

  const verify = (signature: string, now: Date = AT_TS) =>
    verifyMercadoPagoSignature({ signature, requestId: REQUEST_ID, dataId: '123456' }, SECRET, now, 300);

  it('refuses a captured notification replayed with a fresh ts put in front of its own', () => {
    // The SDK verifies the HMAC over the LAST ts (the captured one): the header must not pass as fresh.
    expect(verify(`ts=${TS_MS},ts=${CAPTURED_TS},v1=${V1_CAPTURED}`)).toEqual({
      valid: false,
      reason: 'malformed',
    });
    expect(verify(`ts=${CAPTURED_TS},v1=${V1_CAPTURED}`)).toEqual({
      valid: false,
      reason: 'stale-timestamp',
    });
    expect(verify(`ts=${CAPTURED_TS},v1=${V1_CAPTURED}`, new Date(Number(CAPTURED_TS)))).toEqual({
      valid: true,
      ts: 1742502038683,
    });
  });

  it('reads ts wherever it stands among the parts, after a space, and not from a longer key', () => {
    expect(verify(`v1=${V1_NUMERIC}, ts=${TS_MS}`)).toEqual({ valid: true, ts: 1742505638683 });
    expect(verify(`v1=${V1_NUMERIC},\tTS = ${TS_MS} `)).toEqual({ valid: true, ts: 1742505638683 });
    expect(verify(`ts=${TS_MS},xts=1,v1=${V1_NUMERIC}`)).toEqual({ valid: true, ts: 1742505638683 });
  });

  it('reads ts 10^12 as milliseconds and 10^12 - 1 as seconds', () => {
    expect(verify(`ts=1000000000000,v1=${V1_TS_1E12}`, new Date(1e12))).toEqual({ valid: true, ts: 1e12 });
    expect(verify(`ts=999999999999,v1=${V1_TS_1E12_MINUS_1}`, new Date(999_999_999_999_000))).toEqual({
      valid: true,
      ts: 999_999_999_999_000,
    });
  });

  it('lets a fault that is not about the notification (no secret configured) surface as an error', () => {
    expect(() =>
      verifyMercadoPagoSignature(
        { signature: `ts=${TS_MS},v1=${V1_NUMERIC}`, requestId: REQUEST_ID, dataId: '123456' },
        undefined as unknown as string,
        AT_TS,
        300,
      ),
    ).toThrow(/The "key" argument must be/);
  });
});
