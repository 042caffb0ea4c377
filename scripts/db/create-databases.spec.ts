import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SERVICE_DATABASES } from './create-databases';

const repoRoot = path.resolve(__dirname, '..', '..');

describe('SERVICE_DATABASES', () => {
  it('names one platform_<service> database per service but the gateway', () => {
    for (const [service, database] of Object.entries(SERVICE_DATABASES)) {
      expect(database).toBe(`platform_${service.replace(/-/g, '_')}`);
    }
    expect(Object.keys(SERVICE_DATABASES)).not.toContain('gateway');
    expect(Object.keys(SERVICE_DATABASES)).toHaveLength(8);
  });

  it('matches the databases the compose PostgreSQL creates on its first start', () => {
    const sql = readFileSync(
      path.join(repoRoot, 'deploy/compose/postgres-init/01-create-databases.sql'),
      'utf8',
    );
    const created = [...sql.matchAll(/^CREATE DATABASE (\w+);$/gm)].map((m) => m[1]);
    expect(created).toEqual(Object.values(SERVICE_DATABASES));
  });
});
