// Nx loads a generator's factory with plain `require`. Node 20 cannot strip types and the workspace
// has neither ts-node nor @swc-node (which Nx would register), so the TypeScript source is loaded
// through tsx's scoped require (no global hook: the rest of the Nx process is unaffected).
const { require: tsxRequire } = require('tsx/cjs/api');

module.exports = tsxRequire('./generator.ts', __filename);
