import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@platform/testing';
import { initializeServiceDataSource } from '../src';

class CreateThings1700000000000 implements MigrationInterface {
  name = 'CreateThings1700000000000';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE things (id int PRIMARY KEY)`);
  }
  async down(): Promise<void> {}
}

describe('initializeServiceDataSource (migrator and app role apart, real PostgreSQL)', () => {
  let database: TestDatabase;

  beforeEach(async () => {
    database = await createTestDatabase('service_ds');
  });
  afterEach(() => database.drop());

  const options = () => ({
    url: database.appUrl,
    applicationName: 'service-ds-test',
    entities: [],
    migrations: [CreateThings1700000000000],
  });

  it('migrates as the migrator, then serves queries as the app role, which may write data but not DDL', async () => {
    const dataSource = await initializeServiceDataSource({ ...options(), migrationsUrl: database.url });
    try {
      const [who] = await dataSource.query(
        `SELECT current_user AS role, (SELECT tableowner FROM pg_tables WHERE tablename = 'things') AS owner`,
      );
      expect(who).toEqual({ role: `${database.name}_app`, owner: 'postgres' });
      await dataSource.query(`INSERT INTO things (id) VALUES (1)`);
      expect(await dataSource.query(`SELECT id FROM things`)).toEqual([{ id: 1 }]);
      await expect(dataSource.query(`DROP TABLE things`)).rejects.toMatchObject({
        driverError: { code: '42501' },
      });
    } finally {
      await dataSource.destroy();
    }
  });

  it('the app role alone cannot run the migrations (no DDL rights)', async () => {
    await expect(initializeServiceDataSource(options())).rejects.toMatchObject({
      driverError: { code: '42501' },
    });
  });
});
