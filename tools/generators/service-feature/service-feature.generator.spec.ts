import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { plural, serviceFeatureGenerator } from './generator';

const run = promisify(execFile);
const WORKSPACE = path.resolve(__dirname, '../../..');
/** A backend service without features, and a two-word feature name (exercises every casing). */
const SERVICE = 'campaigns';
const FEATURE = 'call-list';

/** Runs a command in `cwd`; on failure the error carries the command's own output. */
async function sh(cwd: string, command: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(command, args, {
      cwd,
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_INTERACTIVE: 'false' },
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${stdout}\n${stderr}`);
  }
}

describe('service-feature generator', () => {
  describe('in a temporary copy of the workspace', () => {
    let root: string;
    let generatorOutput: string;

    beforeAll(async () => {
      root = await mkdtemp(path.join(tmpdir(), 'service-feature-'));
      // What the generated code and the files it edits compile against; node_modules is shared.
      for (const entry of [
        'libs',
        'tools',
        `apps/${SERVICE}`,
        // The whole gateway and payments projects (their project.json too: tools/mutation depends on
        // both, and Nx refuses a graph whose implicit dependencies are missing).
        'apps/gateway',
        'apps/payments',
        'tsconfig.base.json',
        'nx.json',
        'package.json',
        '.prettierrc',
      ]) {
        await cp(path.join(WORKSPACE, entry), path.join(root, entry), { recursive: true });
      }
      await symlink(path.join(WORKSPACE, 'node_modules'), path.join(root, 'node_modules'), 'dir');
      await sh(root, 'git', ['init', '-q']);
      // The documented command, through the Nx CLI: proves the local plugin is registered.
      generatorOutput = await sh(root, 'npx', [
        'nx',
        'g',
        '@platform/tools:service-feature',
        `--service=${SERVICE}`,
        `--name=${FEATURE}`,
        '--no-interactive',
      ]);
    }, 120_000);

    afterAll(async () => {
      if (root) await rm(root, { recursive: true, force: true });
    });

    it('wires the feature into the service, the contracts and the gateway without manual steps', async () => {
      expect(generatorOutput).not.toContain('do it by hand');
      const definition = await readFile(path.join(root, `apps/${SERVICE}/src/service-definition.ts`), 'utf8');
      expect(definition).toMatch(/entities: \[CallListEntity\]/);
      expect(definition).toMatch(/features: \[CallListModule\]/);
      // The generated handlers use TenantTransactionInterceptor, which needs TenantDatabase.
      expect(definition).toMatch(/tenancy: true/);
      expect(generatorOutput).toContain('now runs with tenancy');
      const migrations = await readFile(path.join(root, `apps/${SERVICE}/src/migrations/index.ts`), 'utf8');
      expect(migrations).toMatch(/campaignsMigrations: Function\[\] = \[CreateCallLists\d{13}\]/);
      const migration = migrations.match(/from '\.\/(\d{13}-create-call-lists)'/)![1];
      expect(
        await readFile(path.join(root, `apps/${SERVICE}/src/migrations/${migration}.ts`), 'utf8'),
      ).toContain("enableTenantRls(queryRunner, 'call_lists')");
      const contract = await readFile(
        path.join(root, 'libs/contracts/src/campaigns/call-list.rpc.ts'),
        'utf8',
      );
      expect(contract).toContain("create: 'campaigns.call-list.create'");
      expect(contract).toContain("list: 'campaigns.call-list.list'");
      const routeTable = await readFile(path.join(root, 'apps/gateway/src/routes/route-table.ts'), 'utf8');
      expect(routeTable).toContain('...CALL_LIST_ROUTES');
      const handlers = await readFile(
        path.join(root, `apps/${SERVICE}/src/call-list/call-list.handlers.ts`),
        'utf8',
      );
      expect(handlers).toContain("@RequirePermission('campaigns:write')");
      expect(handlers).toContain("@RequirePermission('campaigns:read')");
    });

    it('generates code that type-checks (tsc --noEmit) with the files it edited', async () => {
      const tsconfig = path.join(root, 'tsconfig.generated.json');
      await writeFile(
        tsconfig,
        JSON.stringify({
          extends: './tsconfig.base.json',
          compilerOptions: { noEmit: true },
          include: [`apps/${SERVICE}/**/*.ts`, 'apps/gateway/src/routes/*.ts', 'libs/contracts/src/**/*.ts'],
        }),
      );
      // Throws with tsc's diagnostics when a template produces code that does not compile.
      await sh(root, path.join(WORKSPACE, 'node_modules/.bin/tsc'), ['-p', tsconfig]);
    }, 120_000);

    it('generates a spec that passes against real PostgreSQL and RabbitMQ (RLS, contract, cross-tenant)', async () => {
      // The workspace's own Jest setup, aimed at the generated service only.
      await cp(path.join(WORKSPACE, 'jest.config.js'), path.join(root, 'jest.config.js'));
      await cp(path.join(WORKSPACE, 'scripts/jest'), path.join(root, 'scripts/jest'), { recursive: true });
      await writeFile(
        path.join(root, 'jest.generated.config.js'),
        `module.exports = { ...require('./jest.config.js'), roots: ['<rootDir>/apps/${SERVICE}'], maxWorkers: 1 };\n`,
      );
      // Throws with Jest's report when a generated test fails.
      const report = JSON.parse(
        await sh(root, path.join(WORKSPACE, 'node_modules/.bin/jest'), [
          '-c',
          'jest.generated.config.js',
          '--ci',
          '--json',
          `apps/${SERVICE}/test/${FEATURE}.spec.ts`,
        ]),
      ) as { numTotalTests: number; numPassedTests: number };
      // The template's five tests: CRUD + paging, cross-tenant, permissions, contract, RLS catalogue.
      expect(report).toMatchObject({ numTotalTests: 5, numPassedTests: 5 });
    }, 180_000);
  });

  describe('refusals (in-memory tree)', () => {
    it('refuses a service that is not a backend app, and a permission the matrix does not have', async () => {
      const tree = createTreeWithEmptyWorkspace();
      tree.write(
        'libs/contracts/src/auth/permissions.ts',
        "export const PERMISSIONS = ['campaigns:read'] as const;",
      );
      await expect(
        serviceFeatureGenerator(tree, { service: 'campaigns', name: 'call-list' }),
      ).rejects.toThrow('apps/campaigns is not a backend service');
      tree.write('apps/campaigns/src/service-definition.ts', 'export const s = defineBackendService({});');
      await expect(
        serviceFeatureGenerator(tree, { service: 'campaigns', name: 'call-list' }),
      ).rejects.toThrow('Permission "campaigns:write" is not in libs/contracts/src/auth/permissions.ts');
      await expect(
        serviceFeatureGenerator(tree, { service: 'campaigns', name: 'Call_List' }),
      ).rejects.toThrow('--name must be singular kebab-case');
    });

    /** The files the generator edits besides the service's own, in their smallest form. */
    const workspaceWith = (definition: string, files: Record<string, string> = {}) => {
      const tree = createTreeWithEmptyWorkspace();
      const all: Record<string, string> = {
        'libs/contracts/src/auth/permissions.ts':
          "export const PERMISSIONS = ['campaigns:read', 'campaigns:write'] as const;",
        'libs/contracts/src/contract/platform-contracts.ts': 'export const PLATFORM_CONTRACTS = [];',
        'libs/contracts/src/index.ts': '',
        'apps/gateway/src/routes/rpc-schemas.ts': 'export const ROUTED_RPC_SCHEMAS = {};',
        'apps/gateway/src/routes/route-table.ts': 'export const ROUTE_TABLE = [];',
        'apps/campaigns/src/migrations/index.ts': 'export const campaignsMigrations: Function[] = [];',
        'apps/campaigns/src/service-definition.ts': definition,
        ...files,
      };
      for (const [file, content] of Object.entries(all)) tree.write(file, content);
      return tree;
    };
    const generate = async (tree: ReturnType<typeof createTreeWithEmptyWorkspace>) => {
      const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
      try {
        const callback = await serviceFeatureGenerator(tree, {
          service: 'campaigns',
          name: 'call-list',
          skipFormat: true,
          timestamp: 1_800_000_000_000,
        });
        callback();
        return log.mock.calls.map((call) => String(call[0])).join('\n');
      } finally {
        log.mockRestore();
      }
    };

    it("appends the entity to a list kept in another file (auth's `entities: authEntities`)", async () => {
      const tree = workspaceWith(
        [
          "import { defineBackendService } from '@platform/bootstrap';",
          "import { campaignsEntities } from './entities';",
          "import { campaignsMigrations } from './migrations';",
          'export const campaignsService = defineBackendService({',
          "  service: 'campaigns',",
          '  migrations: campaignsMigrations,',
          '  entities: campaignsEntities,',
          '  tenancy: false,',
          '  features: [],',
          '});',
        ].join('\n'),
        {
          'apps/campaigns/src/entities.ts': [
            "import { CampaignEntity } from './campaign/campaign.entity';",
            'export const campaignsEntities: Function[] = [CampaignEntity];',
          ].join('\n'),
        },
      );

      const output = await generate(tree);

      expect(output).not.toContain('do it by hand');
      const entities = tree.read('apps/campaigns/src/entities.ts', 'utf-8')!;
      expect(entities).toContain("import { CallListEntity } from './call-list/call-list.entity';");
      expect(entities).toContain('[CampaignEntity, CallListEntity]');
      const definition = tree.read('apps/campaigns/src/service-definition.ts', 'utf-8')!;
      expect(definition).toContain('entities: campaignsEntities,');
      expect(definition).not.toContain('CallListEntity');
      expect(definition).toContain('tenancy: true,');
      expect(definition).toContain('features: [CallListModule]');
    });

    it('prints the manual step when the entities list cannot be found', async () => {
      const tree = workspaceWith(
        [
          "import { defineBackendService } from '@platform/bootstrap';",
          "import { campaignsEntities } from '@somewhere/else';",
          'export const campaignsService = defineBackendService({',
          "  service: 'campaigns',",
          '  entities: campaignsEntities,',
          '  tenancy: true,',
          '  features: [],',
          '});',
        ].join('\n'),
      );

      const output = await generate(tree);

      expect(output).toContain('do it by hand');
      expect(output).toContain(
        'add CallListEntity (from apps/campaigns/src/call-list/call-list.entity) to campaignsEntities',
      );
      // Tenancy was already on: no note about the database roles.
      expect(output).not.toContain('now runs with tenancy');
    });

    it('pluralises table and route names', () => {
      expect(['call-list', 'category', 'batch', 'key'].map(plural)).toEqual([
        'call-lists',
        'categories',
        'batches',
        'keys',
      ]);
    });
  });
});
