import * as path from 'node:path';
import { formatFiles, generateFiles, names, type GeneratorCallback, type Tree } from '@nx/devkit';
import {
  addImport,
  appendElement,
  appendToArrayProperty,
  callArgumentObject,
  identifierPropertyValue,
  importSpecifierOf,
  propertyOf,
  setProperty,
  variableInitializer,
} from './source-edits';

export interface ServiceFeatureOptions {
  service: string;
  name: string;
  readPermission?: string;
  writePermission?: string;
  skipFormat?: boolean;
  /** Tests pin it; default: now (the migration's timestamp and class-name suffix). */
  timestamp?: number;
}

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const CONTRACTS_SRC = 'libs/contracts/src';
const GATEWAY_ROUTES = 'apps/gateway/src/routes';

/** call-list → call-lists, category → categories, batch → batches. */
export function plural(word: string): string {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`;
  return `${word}s`;
}

/** Every name the templates use, derived once from `--service` and `--name`. */
export function featureNames(service: string, name: string, timestamp: number) {
  const feature = names(name);
  const pluralFeature = names(plural(name));
  const serviceNames = names(service);
  return {
    service,
    serviceClassName: serviceNames.className,
    servicePropertyName: serviceNames.propertyName,
    contractName: `${serviceNames.propertyName}Contract`,
    fileName: feature.fileName,
    className: feature.className,
    propertyName: feature.propertyName,
    constantName: feature.constantName,
    pluralFileName: pluralFeature.fileName,
    pluralPropertyName: pluralFeature.propertyName,
    pluralClassName: pluralFeature.className,
    /** Human words for summaries: "call list". */
    title: name.replace(/-/g, ' '),
    pluralTitle: plural(name).replace(/-/g, ' '),
    tableName: plural(name).replace(/-/g, '_'),
    timestamp,
    tmpl: '',
  };
}

type Names = ReturnType<typeof featureNames>;

function read(tree: Tree, file: string): string {
  const content = tree.read(file, 'utf-8');
  if (content === null) throw new Error(`${file} does not exist`);
  return content;
}

/**
 * Applies `edit` to `file`; when its anchor is missing, keeps the file and records `manual` as a
 * next step for the developer (nothing silently skipped).
 */
function editFile(
  tree: Tree,
  file: string,
  edit: (source: string) => string | null,
  manual: string,
  nextSteps: string[],
): void {
  const edited = edit(read(tree, file));
  if (edited === null) nextSteps.push(`${file}: ${manual}`);
  else tree.write(file, edited);
}

function checkOptions(tree: Tree, options: ServiceFeatureOptions): { read: string; write: string } {
  if (!KEBAB.test(options.service)) throw new Error(`--service must be kebab-case, got "${options.service}"`);
  if (!KEBAB.test(options.name)) throw new Error(`--name must be singular kebab-case, got "${options.name}"`);
  if (options.service === 'gateway')
    throw new Error('The gateway has no features of its own: pick a backend service');
  const definition = `apps/${options.service}/src/service-definition.ts`;
  if (!tree.exists(definition) || !read(tree, definition).includes('defineBackendService(')) {
    throw new Error(
      `apps/${options.service} is not a backend service (no defineBackendService in ${definition})`,
    );
  }
  if (tree.exists(`apps/${options.service}/src/${options.name}`)) {
    throw new Error(`apps/${options.service}/src/${options.name} already exists`);
  }
  const permissions = read(tree, `${CONTRACTS_SRC}/auth/permissions.ts`);
  const chosen = {
    read: options.readPermission ?? `${options.service}:read`,
    write: options.writePermission ?? `${options.service}:write`,
  };
  for (const permission of [chosen.read, chosen.write]) {
    if (!permissions.includes(`'${permission}'`)) {
      throw new Error(
        `Permission "${permission}" is not in ${CONTRACTS_SRC}/auth/permissions.ts: add it to the matrix ` +
          'first, or pass --readPermission/--writePermission',
      );
    }
  }
  return chosen;
}

/** The service's contract: created with this feature's section, or the section added to it. */
function wireContract(tree: Tree, n: Names, nextSteps: string[]): void {
  const contractFile = `${CONTRACTS_SRC}/${n.service}/${n.service}-contract.ts`;
  const index = `${CONTRACTS_SRC}/index.ts`;
  const exportLine = (file: string) => `export * from './${n.service}/${file}';`;
  if (!tree.exists(contractFile)) {
    generateFiles(tree, path.join(__dirname, 'contract-files'), '.', n);
    editFile(
      tree,
      `${CONTRACTS_SRC}/contract/platform-contracts.ts`,
      (source) => {
        const edited = appendElement(
          source,
          (file) => variableInitializer(file, 'PLATFORM_CONTRACTS'),
          n.contractName,
        );
        return (
          edited &&
          addImport(edited, `import { ${n.contractName} } from '../${n.service}/${n.service}-contract';`)
        );
      },
      `add ${n.contractName} to PLATFORM_CONTRACTS`,
      nextSteps,
    );
    tree.write(index, `${read(tree, index).trimEnd()}\n${exportLine(`${n.service}-contract`)}\n`);
  } else {
    editFile(
      tree,
      contractFile,
      (source) => {
        const edited = appendElement(
          source,
          (file) => {
            const contract = callArgumentObject(file, 'defineServiceContract');
            return contract && propertyOf(contract, 'rpc')?.initializer;
          },
          `...${n.propertyName}Rpc`,
        );
        return edited && addImport(edited, `import { ${n.propertyName}Rpc } from './${n.fileName}.rpc';`);
      },
      `spread ...${n.propertyName}Rpc into the contract's rpc map`,
      nextSteps,
    );
  }
  tree.write(index, `${read(tree, index).trimEnd()}\n${exportLine(`${n.fileName}.rpc`)}\n`);
}

type LocateObject = Parameters<typeof appendToArrayProperty>[1];

/**
 * The entities list kept in a variable (auth: `entities: authEntities` from './entities', one list
 * the service and its schema-drift test share): the entity is appended there, imported relatively.
 */
function wireEntityList(
  tree: Tree,
  n: Names,
  definition: string,
  listName: string,
  nextSteps: string[],
): void {
  const entityPath = `apps/${n.service}/src/${n.fileName}/${n.fileName}.entity`;
  const manual = `add ${n.className}Entity (from ${entityPath}) to ${listName}`;
  const specifier = importSpecifierOf(read(tree, definition), listName);
  const candidates = specifier?.startsWith('.')
    ? [`${specifier}.ts`, `${specifier}/index.ts`].map((file) =>
        path.posix.join(path.posix.dirname(definition), file),
      )
    : [];
  const file = candidates.find((candidate) => tree.exists(candidate));
  if (!file) {
    nextSteps.push(`${definition}: ${manual}`);
    return;
  }
  const relative = path.posix.relative(path.posix.dirname(file), entityPath);
  editFile(
    tree,
    file,
    (source) => {
      const edited = appendElement(
        source,
        (sourceFile) => variableInitializer(sourceFile, listName),
        `${n.className}Entity`,
      );
      return (
        edited &&
        addImport(
          edited,
          `import { ${n.className}Entity } from '${relative.startsWith('.') ? relative : `./${relative}`}';`,
        )
      );
    },
    manual,
    nextSteps,
  );
}

/**
 * Registers the entity, the feature module and the migration in the service, and turns tenancy on:
 * the generated handlers run in TenantTransactionInterceptor, which needs `TenantDatabase`.
 * Returns whether tenancy was off before (the service then needs its database roles).
 */
function wireService(tree: Tree, n: Names, nextSteps: string[]): boolean {
  const definition = `apps/${n.service}/src/service-definition.ts`;
  const locate: LocateObject = (file) => callArgumentObject(file, 'defineBackendService');
  const entity = `${n.className}Entity`;
  const listName = identifierPropertyValue(read(tree, definition), locate, 'entities');
  if (listName) {
    wireEntityList(tree, n, definition, listName, nextSteps);
  } else {
    editFile(
      tree,
      definition,
      (source) => {
        const edited = appendToArrayProperty(source, locate, 'entities', entity, 'features');
        return (
          edited && addImport(edited, `import { ${entity} } from './${n.fileName}/${n.fileName}.entity';`)
        );
      },
      `add ${entity} to entities of defineBackendService`,
      nextSteps,
    );
  }
  editFile(
    tree,
    definition,
    (source) => {
      const edited = appendToArrayProperty(source, locate, 'features', `${n.className}Module`);
      return (
        edited &&
        addImport(edited, `import { ${n.className}Module } from './${n.fileName}/${n.fileName}.module';`)
      );
    },
    `add ${n.className}Module to features of defineBackendService`,
    nextSteps,
  );
  const tenancyWasOn = /\btenancy:\s*true\b/.test(read(tree, definition));
  editFile(
    tree,
    definition,
    (source) => setProperty(source, locate, 'tenancy', 'true', 'features'),
    'set `tenancy: true` in defineBackendService (the handlers use TenantTransactionInterceptor)',
    nextSteps,
  );
  const migrationClass = `Create${n.pluralClassName}${n.timestamp}`;
  editFile(
    tree,
    `apps/${n.service}/src/migrations/index.ts`,
    (source) => {
      const edited = appendElement(
        source,
        (file) => variableInitializer(file, /Migrations$/),
        migrationClass,
      );
      return (
        edited &&
        addImport(edited, `import { ${migrationClass} } from './${n.timestamp}-create-${n.pluralFileName}';`)
      );
    },
    `append ${migrationClass} to the service's migrations list`,
    nextSteps,
  );
  return !tenancyWasOn;
}

/** The gateway's routed schemas and route table learn the feature's routes. */
function wireGateway(tree: Tree, n: Names, nextSteps: string[]): void {
  editFile(
    tree,
    `${GATEWAY_ROUTES}/rpc-schemas.ts`,
    (source) => {
      const edited = appendElement(
        source,
        (file) => variableInitializer(file, 'ROUTED_RPC_SCHEMAS'),
        `...${n.propertyName}Rpc`,
      );
      return edited && addImport(edited, `import { ${n.propertyName}Rpc } from '@platform/contracts';`);
    },
    `spread ...${n.propertyName}Rpc (from @platform/contracts) into ROUTED_RPC_SCHEMAS`,
    nextSteps,
  );
  editFile(
    tree,
    `${GATEWAY_ROUTES}/route-table.ts`,
    (source) => {
      const edited = appendElement(
        source,
        (file) => variableInitializer(file, 'ROUTE_TABLE'),
        `...${n.constantName}_ROUTES`,
      );
      return (
        edited && addImport(edited, `import { ${n.constantName}_ROUTES } from './${n.fileName}.routes';`)
      );
    },
    `add ...${n.constantName}_ROUTES (from './${n.fileName}.routes') to ROUTE_TABLE`,
    nextSteps,
  );
}

/**
 * `npx nx g @platform/tools:service-feature --service=<app> --name=<feature>`: a tenant-owned
 * resource with create/get/list, built the way the service kit wants it (see the README's
 * "Add an endpoint").
 */
export async function serviceFeatureGenerator(
  tree: Tree,
  options: ServiceFeatureOptions,
): Promise<GeneratorCallback> {
  const permissions = checkOptions(tree, options);
  const n = featureNames(options.service, options.name, options.timestamp ?? Date.now());
  const nextSteps: string[] = [];

  generateFiles(tree, path.join(__dirname, 'files'), '.', {
    ...n,
    readPermission: permissions.read,
    writePermission: permissions.write,
  });
  wireContract(tree, n, nextSteps);
  const tenancyTurnedOn = wireService(tree, n, nextSteps);
  wireGateway(tree, n, nextSteps);

  if (!options.skipFormat) await formatFiles(tree);

  return () => {
    const lines = [
      `${n.title} added to ${n.service}: patterns ${n.service}.${n.fileName}.create|get|list, routes /v1/${n.service}/${n.pluralFileName}.`,
      ...(nextSteps.length
        ? [
            'Could not edit these files automatically; do it by hand:',
            ...nextSteps.map((step) => `  - ${step}`),
          ]
        : []),
      'Next:',
      ...(tenancyTurnedOn
        ? [
            `  - ${n.service} now runs with tenancy: DATABASE_URL must be its app role (no BYPASSRLS) and DATABASE_SYSTEM_URL a BYPASSRLS role, migrations via DATABASE_MIGRATIONS_URL (see deploy/compose/postgres-init/02-auth-roles.sql)`,
          ]
        : []),
      `  - add your fields to ${CONTRACTS_SRC}/${n.service}/${n.fileName}.rpc.ts, the entity and the migration (same names)`,
      `  - npx jest apps/${n.service}/test/${n.fileName}.spec.ts`,
      '  - document the routes in docs/API_REFERENCE.md',
    ];
    console.log(lines.join('\n'));
  };
}

export default serviceFeatureGenerator;
