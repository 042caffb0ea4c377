import { Client } from 'pg';

/** Creates the database named in `url` when it does not exist (connecting to `postgres` to do so). */
export async function ensureDatabaseExists(url: string): Promise<void> {
  const target = new URL(url);
  const database = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`Unsupported database name "${database}"`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount) return;
    await client.query(`CREATE DATABASE "${database}"`).catch((error: { code?: string }) => {
      if (error.code !== '42P04') throw error; // created concurrently by another process
    });
  } finally {
    await client.end();
  }
}
