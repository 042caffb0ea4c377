import { clientIp } from './client-ip';

describe('clientIp', () => {
  const request = (xff: string | undefined, remoteAddress = '10.0.0.9') =>
    ({ headers: xff === undefined ? {} : { 'x-forwarded-for': xff }, socket: { remoteAddress } }) as never;

  it('uses the socket address and ignores X-Forwarded-For without trusted proxies', () => {
    expect(clientIp(request('1.2.3.4'), 0)).toBe('10.0.0.9');
  });

  it('takes the address the trusted proxy saw, not what the client wrote', () => {
    // The client forged "6.6.6.6"; the one trusted proxy appended the real peer 203.0.113.5.
    expect(clientIp(request('6.6.6.6, 203.0.113.5'), 1)).toBe('203.0.113.5');
    expect(clientIp(request('6.6.6.6, 203.0.113.5, 10.1.1.1'), 2)).toBe('203.0.113.5');
  });

  it('falls back sensibly when the chain is shorter than the hops', () => {
    expect(clientIp(request('203.0.113.5'), 3)).toBe('203.0.113.5');
    expect(clientIp(request(undefined), 1)).toBe('10.0.0.9');
  });
});
