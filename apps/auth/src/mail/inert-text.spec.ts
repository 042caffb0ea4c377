import { inertText } from './inert-text';

describe('inertText', () => {
  it.each([
    [
      'Platform Security: your account is locked, verify at https://evil.example/login',
      'Platform Security: your account is locked, verify at https[:]//evil[.]example/login',
    ],
    ['visit www.evil.example now', 'visit www[.]evil[.]example now'],
    ['write to help@evil.example', 'write to help[at]evil[.]example'],
    ['evil\u3002example and evil\uff0eexample', 'evil[.]example and evil[.]example'],
    ['line one\r\nBcc: someone', 'line one Bcc: someone'],
  ])('defangs %j', (input, expected) => {
    expect(inertText(input)).toBe(expected);
  });

  it('leaves ordinary names alone', () => {
    expect(inertText('Acme Inc.')).toBe('Acme Inc.');
    expect(inertText('Müller & Söhne GmbH')).toBe('Müller & Söhne GmbH');
  });
});
