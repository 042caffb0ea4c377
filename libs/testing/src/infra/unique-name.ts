import { randomBytes } from 'node:crypto';

/** A name unique to this test run and worker, safe as a database, vhost or key prefix. */
export function uniqueName(prefix: string): string {
  const worker = process.env.JEST_WORKER_ID ?? '0';
  return `${prefix}_w${worker}_${randomBytes(4).toString('hex')}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}
