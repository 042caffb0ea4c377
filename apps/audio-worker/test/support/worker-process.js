'use strict';
// Runs the audio worker from its TypeScript sources in a child process, for tests that must kill a
// worker the hard way (SIGKILL mid-job: no shutdown hook, no ack, no goodbye to the broker). The
// sources are compiled on require with SWC, as Jest does (decorator metadata kept for Nest), and
// the @platform/* aliases resolve to the libraries' sources. Env: the worker's own variables.
const fs = require('node:fs');
const path = require('node:path');
const { transformSync } = require('@swc/core');
const tsconfigPaths = require('tsconfig-paths');

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(repoRoot, 'tsconfig.base.json'), 'utf8'));
tsconfigPaths.register({ baseUrl: repoRoot, paths: compilerOptions.paths });

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};

require('reflect-metadata');
const { bootstrapService } = require('@platform/bootstrap');
const { audioWorkerService } = require(path.join(repoRoot, 'apps/audio-worker/src/service-definition.ts'));

bootstrapService(audioWorkerService, process.env).then(
  () => process.send && process.send('ready'),
  (error) => {
    process.stderr.write(`audio-worker child failed to start: ${error && error.stack}\n`);
    process.exit(1);
  },
);
