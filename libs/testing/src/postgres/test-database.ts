import { Client } from 'pg';
import { infraUrls } from '../infra/infra-urls';
import { uniqueName } from '../infra/unique-name';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function withAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: infraUrls().postgres });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database for one suite; `drop()` removes it even with connections still open. */
export async function createTestDatabase(prefix = 'test'): Promise<TestDatabase> {
  const name = uniqueName(`t_${prefix}`);
  await withAdmin((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(infraUrls().postgres);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () =>
      withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}
