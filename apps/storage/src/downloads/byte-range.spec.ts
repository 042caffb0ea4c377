import { parseByteRange } from './byte-range';

describe('Range header', () => {
  it.each([
    ['bytes=0-99', 1000, { start: 0, end: 99 }],
    ['bytes=900-', 1000, { start: 900, end: 999 }],
    ['bytes=-100', 1000, { start: 900, end: 999 }],
    ['bytes=-5000', 1000, { start: 0, end: 999 }],
    ['bytes=990-5000', 1000, { start: 990, end: 999 }],
  ])('%s of %d bytes', (header, size, range) => {
    expect(parseByteRange(header, size)).toEqual(range);
  });

  it.each([['bytes=1000-'], ['bytes=5-4'], ['bytes=-0']])('%s is unsatisfiable', (header) => {
    expect(parseByteRange(header, 1000)).toBeNull();
  });

  it.each([[undefined], ['bytes=0-1,5-6'], ['items=0-1'], ['bytes=-']])(
    '%s means the whole object',
    (header) => {
      expect(parseByteRange(header, 1000)).toBeUndefined();
    },
  );
});
