import { createHmac } from 'node:crypto';
import {
  parseThreeDsCallbackBody,
  signThreeDsCallback,
  threeDsCallbackUrl,
  verifyThreeDsCallback,
} from './azul-three-ds-callback';

describe('AZUL 3-D Secure callback tokens', () => {
  const secret = 'callback-secret-of-32-bytes-or-more!!';
  const claims = {
    organizationId: 'org-1',
    idempotencyKey: 'checkout:org-1:abc',
    kind: 'term' as const,
    exp: 1_800_000_600,
  };
  const at = (seconds: number) => new Date(seconds * 1000);

  it('round-trips through the TermUrl query', () => {
    const url = new URL(
      threeDsCallbackUrl('https://api.example.test/v1/webhooks/azul?step=term', secret, claims),
    );
    expect(url.searchParams.get('step')).toBe('term');
    expect(
      verifyThreeDsCallback(secret, url.searchParams.get('session') ?? undefined, at(1_800_000_000)),
    ).toEqual({
      valid: true,
      claims,
    });
  });

  it('refuses another secret, edited claims, expiry and garbage', () => {
    const token = signThreeDsCallback(secret, claims);
    expect(verifyThreeDsCallback('another-secret', token, at(1_800_000_000))).toEqual({
      valid: false,
      reason: 'bad-signature',
    });
    const [, signature] = token.split('.');
    const edited = `${Buffer.from(JSON.stringify({ ...claims, organizationId: 'org-2' })).toString('base64url')}.${signature}`;
    expect(verifyThreeDsCallback(secret, edited, at(1_800_000_000))).toEqual({
      valid: false,
      reason: 'bad-signature',
    });
    expect(verifyThreeDsCallback(secret, token, at(1_800_000_601))).toEqual({
      valid: false,
      reason: 'stale-timestamp',
    });
    expect(verifyThreeDsCallback(secret, token, at(1_800_000_600)).valid).toBe(true);
    expect(verifyThreeDsCallback(secret, undefined, at(0))).toEqual({
      valid: false,
      reason: 'missing-signature',
    });
    expect(verifyThreeDsCallback(secret, 'a.b.c', at(0))).toEqual({ valid: false, reason: 'malformed' });
  });

  it('reads the cRes the ACS made the browser post', () => {
    expect(
      parseThreeDsCallbackBody(Buffer.from('cRes=eyJ0cmFuc1N0YXR1cyI6IlkifQ%3D%3D&threeDSSessionData=')),
    ).toEqual({
      cRes: 'eyJ0cmFuc1N0YXR1cyI6IlkifQ==',
      threeDSMethodData: undefined,
    });
  });

  it('refuses tokens cut short, with a truncated signature, or signed without the charge it names', () => {
    const token = signThreeDsCallback(secret, claims);
    const [payload, signature] = token.split('.');
    expect(verifyThreeDsCallback(secret, `${payload}.`, at(0))).toEqual({
      valid: false,
      reason: 'malformed',
    });
    expect(verifyThreeDsCallback(secret, payload, at(0))).toEqual({ valid: false, reason: 'malformed' });
    expect(verifyThreeDsCallback(secret, `.${signature}`, at(0))).toEqual({
      valid: false,
      reason: 'malformed',
    });
    expect(verifyThreeDsCallback(secret, `${payload}.${signature.slice(0, 10)}`, at(0))).toEqual({
      valid: false,
      reason: 'bad-signature',
    });
    for (const incomplete of [
      { ...claims, exp: '1800000600' },
      { ...claims, organizationId: '' },
      { ...claims, idempotencyKey: '' },
    ]) {
      const signed = signThreeDsCallback(secret, incomplete as unknown as typeof claims);
      expect(verifyThreeDsCallback(secret, signed, at(0))).toEqual({ valid: false, reason: 'malformed' });
    }
  });

  it('reads the method notification data', () => {
    expect(
      parseThreeDsCallbackBody(Buffer.from('threeDSMethodData=eyJ0aHJlZURTU2VydmVyVHJhbnNJRCI6IjEifQ')),
    ).toEqual({
      cRes: undefined,
      threeDSMethodData: 'eyJ0aHJlZURTU2VydmVyVHJhbnNJRCI6IjEifQ',
    });
  });

  it('refuses a correctly signed token whose payload is not JSON as malformed', () => {
    // Signed as the scheme says: HMAC-SHA256 over "azul-3ds-callback.<payload>", both base64url.
    const payload = Buffer.from('{"organizationId":"org-1",').toString('base64url');
    const signature = createHmac('sha256', secret).update(`azul-3ds-callback.${payload}`).digest('base64url');
    expect(verifyThreeDsCallback(secret, `${payload}.${signature}`, at(0))).toEqual({
      valid: false,
      reason: 'malformed',
    });
  });

  it('reads a cRes posted with a lower-case field name', () => {
    expect(parseThreeDsCallbackBody(Buffer.from('cres=eyJ0cmFuc1N0YXR1cyI6IlkifQ'))).toEqual({
      cRes: 'eyJ0cmFuc1N0YXR1cyI6IlkifQ',
      threeDSMethodData: undefined,
    });
  });
});
