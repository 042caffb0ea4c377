import type { z } from 'zod';

/** Schemas marked secret are masked whenever the config is printed or logged. */
const secretSchemas = new WeakSet<z.ZodType>();

export function secret<T extends z.ZodType>(schema: T): T {
  secretSchemas.add(schema);
  return schema;
}

export function isSecret(schema: z.ZodType): boolean {
  return secretSchemas.has(schema);
}
