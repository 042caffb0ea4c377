import { z } from 'zod';
import { zodIssuesToValidationIssues } from './zod-issues.mapper';

describe('zodIssuesToValidationIssues', () => {
  const schema = z.object({
    body: z.object({ email: z.email(), items: z.array(z.object({ quantity: z.number().int().positive() })) }),
  });

  it('joins paths with dots, array indexes included, and keeps zod codes', () => {
    const result = schema.safeParse({ body: { email: 'nope', items: [{ quantity: 1 }, { quantity: -2 }] } });
    expect(result.success).toBe(false);
    const issues = zodIssuesToValidationIssues(result.error!);
    expect(issues).toEqual([
      { path: 'body.email', message: expect.any(String), code: 'invalid_format' },
      { path: 'body.items.1.quantity', message: expect.any(String), code: 'too_small' },
    ]);
  });

  it('uses an empty path for a failure of the root value', () => {
    const result = z.string().safeParse(42);
    expect(zodIssuesToValidationIssues(result.error!)).toEqual([
      { path: '', message: expect.any(String), code: 'invalid_type' },
    ]);
  });
});
