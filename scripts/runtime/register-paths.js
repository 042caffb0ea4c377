// Runtime resolution of the `@platform/*` aliases for compiled code.
//
//   node -r ./scripts/runtime/register-paths.js dist/apps/<service>/src/main.js
//
// `tsc -p tsconfig.build.json` keeps the repository layout under dist/ (rootDir "."), so every alias
// of tsconfig.base.json (e.g. "libs/contracts/src") resolves against <repo>/dist instead of <repo>.
// Paths are computed from this file's location, so the working directory does not matter. Only the
// launcher's whole-repo build needs it: images run the per-app bundle (scripts/build/build-app.ts),
// whose aliases are resolved at build time.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const tsconfigPaths = require('tsconfig-paths');

const repoRoot = path.resolve(__dirname, '..', '..');
const tsconfigFile = path.join(repoRoot, 'tsconfig.base.json');
const baseUrl = path.join(repoRoot, 'dist');

let paths;
try {
  // tsconfig.base.json is plain JSON (no comments), so JSON.parse is enough.
  paths = JSON.parse(fs.readFileSync(tsconfigFile, 'utf8')).compilerOptions.paths;
} catch (error) {
  throw new Error(`register-paths: cannot read compilerOptions.paths from ${tsconfigFile}: ${error.message}`);
}
if (!paths || typeof paths !== 'object') {
  throw new Error(`register-paths: ${tsconfigFile} has no compilerOptions.paths`);
}

tsconfigPaths.register({ baseUrl, paths, addMatchAll: false });
