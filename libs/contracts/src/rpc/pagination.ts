import { z } from 'zod';

export const PAGE_LIMIT_DEFAULT = 50;
export const PAGE_LIMIT_MAX = 100;

/**
 * `?limit=&cursor=` of every list. The cursor is opaque to clients: the service that issued it is
 * the only one that reads it (and answers 400 when it cannot). Query strings arrive as text, so the
 * limit is coerced; it stays a number when the gateway has already parsed it.
 */
export const pageRequestSchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(PAGE_LIMIT_MAX)
    .default(PAGE_LIMIT_DEFAULT)
    .describe(`Items per page, 1–${PAGE_LIMIT_MAX} (default ${PAGE_LIMIT_DEFAULT})`),
  cursor: z
    .string()
    .min(1)
    .max(512)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor from a previous page')
    .optional()
    .describe('The `nextCursor` of the previous page; omit it for the first page'),
});
export type PageRequest = z.infer<typeof pageRequestSchema>;

/** A page of `item`: `items` as the lists always had, and `nextCursor` (null on the last page). */
export function pageResultSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
