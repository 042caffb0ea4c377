import { Column, Entity, Index, PrimaryColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import {
  CreateMessagingTables1764000000000,
  OutboxEventEntity,
  ProcessedEventEntity,
} from '@platform/messaging';
import { schemaDrift } from './schema-drift';

@Entity({ name: 'widgets' })
@Index('idx_widgets_organization', ['organizationId'])
class WidgetEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  organizationId!: string;

  @Column('text')
  label!: string;
}

class CreateWidgets1700000000000 implements MigrationInterface {
  name = 'CreateWidgets1700000000000';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE widgets (id uuid PRIMARY KEY, organization_id uuid NOT NULL, label text NOT NULL)`,
    );
    await queryRunner.query(`CREATE INDEX idx_widgets_organization ON widgets (organization_id)`);
  }
  async down(): Promise<void> {}
}

/** A migration that forgot the `label` column and the index its entity declares. */
class CreateWidgetsDrifted1700000000000 implements MigrationInterface {
  name = 'CreateWidgetsDrifted1700000000000';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE widgets (id uuid PRIMARY KEY, organization_id uuid NOT NULL)`);
  }
  async down(): Promise<void> {}
}

describe('schemaDrift (TypeORM schema diff after migrating a fresh real database)', () => {
  it('is empty when the migrations create what the entities describe', async () => {
    expect(await schemaDrift({ entities: [WidgetEntity], migrations: [CreateWidgets1700000000000] })).toEqual(
      [],
    );
  });

  it('lists what a migration left out', async () => {
    expect(
      await schemaDrift({ entities: [WidgetEntity], migrations: [CreateWidgetsDrifted1700000000000] }),
    ).toEqual([
      `ALTER TABLE "widgets" ADD "label" text NOT NULL`,
      `CREATE INDEX "idx_widgets_organization" ON "widgets" ("organization_id") `.trim(),
    ]);
  });

  it("finds no drift in the messaging lib's outbox and processed-events tables", async () => {
    expect(
      await schemaDrift({
        entities: [OutboxEventEntity, ProcessedEventEntity],
        migrations: [CreateMessagingTables1764000000000],
      }),
    ).toEqual([]);
  });
});
