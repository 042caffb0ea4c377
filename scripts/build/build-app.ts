/**
 * Builds ONE service into a self-contained, deployable folder (the `build` target of every
 * apps/<app>/project.json):
 *
 *   npx nx build auth        # = tsx scripts/build/build-app.ts auth
 *   -> dist/deploy/auth/main.js (+ main.js.map)   the app and the libs it imports, one file
 *      dist/deploy/auth/package.json              only the npm packages that file requires
 *
 * How: esbuild bundles apps/<app>/src/main.ts with every npm package left external (native ones such
 * as argon2 cannot be bundled, and `npm install` of the generated package.json provides them all).
 * Each .ts file is transpiled by SWC, not by esbuild, because NestJS dependency injection reads the
 * `design:paramtypes` decorator metadata that esbuild does not emit (same SWC options as Jest).
 * `keepNames` keeps class names intact: TypeORM derives table names and Nest derives tokens from them.
 *
 * The build fails when the bundle would contain another app's code or the test kit, or when the app
 * requires a package the root package.json does not list under "dependencies".
 *
 * The whole-repo `npm run build` (tsc into dist/apps/<app>/src, run by the launcher) is separate and
 * unchanged: that is the development layout, this one is what an image ships.
 */
import { builtinModules } from 'node:module';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { transformFile } from '@swc/core';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface AppBuildResult {
  outDir: string;
  /** Package name -> version range (from the root package.json), sorted by name. */
  dependencies: Record<string, string>;
  /** Repository-relative source files in the bundle. */
  bundledSources: string[];
}

interface RootManifest {
  version: string;
  license?: string;
  engines?: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const BUILTINS = new Set(builtinModules);

/** `@scope/name/deep/path` -> `@scope/name`, `name/deep` -> `name`. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(packageNameOf(specifier));
}

/** Leaves npm packages and Node built-ins out of the bundle and records which packages are required. */
function externalPackages(required: Map<string, string>): Plugin {
  return {
    name: 'external-packages',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^[^./]/ }, (args) => {
        // Our libraries are bundled: tsconfig paths resolve them to libs/**/src.
        if (args.path.startsWith('@platform/')) return undefined;
        if (!isBuiltin(args.path)) {
          const name = packageNameOf(args.path);
          if (!required.has(name)) required.set(name, path.relative(REPO_ROOT, args.importer));
        }
        return { path: args.path, external: true };
      });
    },
  };
}

/** TypeScript through SWC, with the legacy decorators and `design:*` metadata NestJS relies on. */
function swcTypescript(): Plugin {
  return {
    name: 'swc-typescript',
    setup(pluginBuild) {
      pluginBuild.onLoad({ filter: /\.ts$/ }, async (args) => {
        const output = await transformFile(args.path, {
          jsc: {
            parser: { syntax: 'typescript', decorators: true },
            transform: { legacyDecorator: true, decoratorMetadata: true },
            target: 'es2022',
            keepClassNames: true,
          },
          module: { type: 'commonjs' },
          sourceMaps: 'inline',
          swcrc: false,
          configFile: false,
        });
        return { contents: output.code, loader: 'js' };
      });
    },
  };
}

export async function listApps(): Promise<string[]> {
  const { readdir } = await import('node:fs/promises');
  const entries = await readdir(path.join(REPO_ROOT, 'apps'), { withFileTypes: true });
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
}

export async function buildApp(
  app: string,
  outDir = path.join(REPO_ROOT, 'dist', 'deploy', app),
): Promise<AppBuildResult> {
  const apps = await listApps();
  if (!apps.includes(app)) throw new Error(`unknown app "${app}" (apps: ${apps.join(', ')})`);
  const root = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as RootManifest;

  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });

  const required = new Map<string, string>();
  const result = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: [path.join('apps', app, 'src', 'main.ts')],
    outfile: path.join(outDir, 'main.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    tsconfig: path.join(REPO_ROOT, 'tsconfig.base.json'),
    keepNames: true,
    sourcemap: true,
    // The map points at the repository's sources by path; the image does not need their text.
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
    plugins: [externalPackages(required), swcTypescript()],
  });

  const bundledSources = Object.keys(result.metafile.inputs).sort();
  const foreign = bundledSources.filter(
    (file) =>
      (file.startsWith('apps/') && !file.startsWith(`apps/${app}/`)) || file.startsWith('libs/testing/'),
  );
  if (foreign.length > 0) {
    throw new Error(`${app} would bundle code it must not ship:\n  ${foreign.join('\n  ')}`);
  }

  const dependencies: Record<string, string> = {};
  for (const name of [...required.keys()].sort()) {
    const version = root.dependencies[name];
    if (!version) {
      const where = root.devDependencies?.[name] ? 'only in devDependencies' : 'not in package.json';
      throw new Error(`${app} requires "${name}" (from ${required.get(name)}), which is ${where}`);
    }
    dependencies[name] = version;
  }

  const manifest = {
    name: `@platform/${app}`,
    version: root.version,
    private: true,
    description: `The ${app} service, built by scripts/build/build-app.ts (generated file, do not edit).`,
    license: root.license,
    engines: root.engines,
    main: 'main.js',
    scripts: { start: 'node --enable-source-maps main.js' },
    dependencies,
  };
  await writeFile(path.join(outDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return { outDir, dependencies, bundledSources };
}

/** `<app> [--out-dir <dir>]` */
export function parseArgs(argv: string[]): { app?: string; outDir?: string } {
  const parsed: { app?: string; outDir?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out-dir') parsed.outDir = path.resolve(argv[++i]);
    else parsed.app = argv[i];
  }
  return parsed;
}

async function main(argv: string[]): Promise<void> {
  const { app, outDir } = parseArgs(argv);
  if (!app) throw new Error('usage: tsx scripts/build/build-app.ts <app> [--out-dir <dir>]');
  const { outDir: written, dependencies } = await buildApp(app, outDir);
  const count = Object.keys(dependencies).length;
  console.log(`${app}: ${path.relative(process.cwd(), written) || '.'} (${count} npm dependencies)`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
