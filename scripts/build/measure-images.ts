/**
 * What each service image carries, before and after per-app builds, without building images:
 *
 *   npm run build && npx nx run-many -t build && npx tsx scripts/build/measure-images.ts
 *
 * Before: every image held the whole-repo dist/ (tsc) and the production node_modules of the root
 * package.json. After: dist/deploy/<app>/ and the packages an `npm install --omit=dev` of its
 * generated package.json installs. Installed sets are resolved from package-lock.json the way npm
 * lays them out (nested node_modules first, then upwards; required peers included) and sized from
 * the local node_modules (each package without its nested node_modules, so nothing counts twice).
 * Prints a Markdown table.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

interface LockEntry {
  dev?: boolean;
  optional?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const lock = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockEntry>;
};

/** Lockfile key of `name` as required from the package at `from` (node's lookup, upwards). */
function locate(name: string, from: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!base) return undefined;
    const index = base.lastIndexOf('/node_modules/');
    base = index >= 0 ? base.slice(0, index) : '';
  }
}

/** Every lockfile package an install of `direct` brings (optional ones only where present). */
export function closure(direct: string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string, from: string, optional: boolean) => {
    const key = locate(name, from);
    if (!key || seen.has(key)) return;
    if (optional && !existsSync(path.join(REPO_ROOT, key))) return; // other platforms' binaries
    seen.add(key);
    const entry = lock.packages[key];
    for (const dep of Object.keys(entry.dependencies ?? {})) visit(dep, key, false);
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) visit(dep, key, true);
    for (const dep of Object.keys(entry.peerDependencies ?? {})) {
      if (!entry.peerDependenciesMeta?.[dep]?.optional) visit(dep, key, false);
    }
  };
  for (const name of direct) visit(name, '', false);
  return seen;
}

function bytes(target: string, excludeNested = false): number {
  if (!existsSync(target)) return 0;
  const args = ['-sb', ...(excludeNested ? ['--exclude=node_modules'] : []), target];
  return Number(execFileSync('du', args, { encoding: 'utf8' }).split('\t')[0]);
}

function packagesBytes(keys: Iterable<string>): number {
  let total = 0;
  for (const key of keys) total += bytes(path.join(REPO_ROOT, key), true);
  return total;
}

const mb = (value: number) => `${(value / 1024 / 1024).toFixed(1)} MB`;

function main(): void {
  const root = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const rootDirect = Object.keys(root.dependencies);
  const rootInstalled = closure(rootDirect);
  const wholeDist =
    bytes(path.join(REPO_ROOT, 'dist'), false) - bytes(path.join(REPO_ROOT, 'dist', 'deploy'));
  const rootModules = packagesBytes(rootInstalled);

  const rows = [
    '| image | app code | npm deps (direct / installed) | node_modules | total |',
    '|---|---:|---:|---:|---:|',
    `| before: any service (whole dist/ + root prod deps) | ${mb(wholeDist)} | ${rootDirect.length} / ${rootInstalled.size} | ${mb(rootModules)} | ${mb(wholeDist + rootModules)} |`,
  ];
  const deployRoot = path.join(REPO_ROOT, 'dist', 'deploy');
  for (const app of existsSync(deployRoot) ? readdirSync(deployRoot).sort() : []) {
    const manifest = JSON.parse(readFileSync(path.join(deployRoot, app, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const direct = Object.keys(manifest.dependencies);
    const installed = closure(direct);
    const code = bytes(path.join(deployRoot, app));
    const modules = packagesBytes(installed);
    rows.push(
      `| after: ${app} | ${mb(code)} | ${direct.length} / ${installed.size} | ${mb(modules)} | ${mb(code + modules)} |`,
    );
  }
  console.log(rows.join('\n'));
}

if (require.main === module) main();
