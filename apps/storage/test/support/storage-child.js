// Runs the storage service from source in its own process (for the memory test: the service's RSS
// alone, without Jest's). TypeScript is compiled on require with SWC, like Jest's transform, because
// Nest's dependency injection needs decorator metadata (tsx/esbuild does not emit it).
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '../../../..');
const { compilerOptions } = require(path.join(root, 'tsconfig.base.json'));
const aliases = Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
  alias,
  path.join(root, target),
]);

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const alias = aliases.find(([name]) => name === request);
  if (alias) return resolve.call(this, path.join(alias[1], 'index.ts'), parent, ...rest);
  return resolve.call(this, request, parent, ...rest);
};

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};

require(path.join(root, 'apps/storage/src/main.ts'));
