// Flat ESLint config. `@nx/enforce-module-boundaries` makes the layering a build error:
// apps depend only on libs, contracts depend on nothing of ours, platform libs never on testing
// (their specs may: test files get the test infrastructure on top of their production constraints).
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const productionConstraints = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:app', 'type:lib'] },
  { sourceTag: 'scope:contracts', onlyDependOnLibsWithTags: ['scope:contracts'] },
  { sourceTag: 'scope:platform', onlyDependOnLibsWithTags: ['scope:contracts', 'scope:platform'] },
  {
    sourceTag: 'scope:testing',
    onlyDependOnLibsWithTags: ['scope:contracts', 'scope:platform', 'scope:testing'],
  },
  // Workspace generators read and write files; they import no project of ours, and nothing imports them.
  { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: [] },
  // Launcher, database setup and per-app builds: they run from the repository, never ship in an image.
  { sourceTag: 'scope:scripts', onlyDependOnLibsWithTags: ['type:lib'] },
];

const testConstraints = productionConstraints.map((constraint) =>
  constraint.sourceTag.startsWith('scope:platform') || constraint.sourceTag === 'scope:contracts'
    ? {
        ...constraint,
        onlyDependOnLibsWithTags: [...constraint.onlyDependOnLibsWithTags, 'scope:testing', 'scope:platform'],
      }
    : constraint,
);

// A platform lib's specs import the test kit, which imports platform libs: in the project graph
// every such lib -> testing edge closes a cycle by design (their src never imports testing, see the
// constraints above). Cycles are checked on every other edge.
const testKitEdges = [
  ['tag:scope:platform', 'testing'],
  ['tag:scope:contracts', 'testing'],
];

const boundaries = (depConstraints, allow = []) => [
  'error',
  { enforceBuildableLibDependency: false, allow, depConstraints, ignoredCircularDependencies: testKitEdges },
];

export default [
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/.nx/**',
      'coverage/**',
      '**/*.js',
      '**/*.mjs',
      // Stryker's sandbox (a copy of the repo while a mutation run lasts) and its reports.
      '.stryker-tmp/**',
      'reports/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': boundaries(productionConstraints),
    },
  },
  {
    files: ['**/*.spec.ts', '**/test/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': boundaries(testConstraints) },
  },
  {
    // The end-to-end suite boots every app in one process through each app's service definition.
    files: ['e2e/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(testConstraints, ['../apps/**']),
    },
  },
];
