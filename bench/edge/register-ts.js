// Runs the repository's TypeScript sources in a plain `node` child of the edge benchmark, compiled
// on load by SWC exactly as the Jest transform does (decorator metadata kept for Nest's DI), with
// the `@platform/*` aliases resolved to source. No `npm run build` first, and no tsx wrapper process
// between the benchmark and the service it profiles (`--cpu-prof` sees the service alone).
//
//   node -r ./bench/edge/register-ts.js bench/edge/gateway.process.ts
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { transformSync } = require('@swc/core');
const tsconfigPaths = require('tsconfig-paths');

const repoRoot = path.resolve(__dirname, '..', '..');
const { paths } = JSON.parse(
  fs.readFileSync(path.join(repoRoot, 'tsconfig.base.json'), 'utf8'),
).compilerOptions;
tsconfigPaths.register({ baseUrl: repoRoot, paths, addMatchAll: false });

const SWC_OPTIONS = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...SWC_OPTIONS, filename });
  module._compile(code, filename);
};
