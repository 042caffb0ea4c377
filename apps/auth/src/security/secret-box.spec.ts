import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips and never repeats a ciphertext', () => {
    const a = box.seal('top secret', 'ctx');
    expect(a).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(a).not.toBe(box.seal('top secret', 'ctx'));
    expect(box.open(a, 'ctx')).toBe('top secret');
  });

  it('refuses another context, another key and tampering', () => {
    const sealed = box.seal('top secret', 'totp:user-1');
    expect(() => box.open(sealed, 'totp:user-2')).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'totp:user-1')).toThrow();
    const [v, iv, tag, data] = sealed.split('.');
    const flipped = Buffer.from(data!, 'base64url');
    flipped[0]! ^= 1;
    expect(() => box.open([v, iv, tag, flipped.toString('base64url')].join('.'), 'totp:user-1')).toThrow();
  });

  it('derives distinct, stable purpose keys', () => {
    expect(box.deriveKey('a')).toEqual(box.deriveKey('a'));
    expect(box.deriveKey('a')).not.toEqual(box.deriveKey('b'));
    expect(box.deriveKey('a')).toHaveLength(32);
  });
});
