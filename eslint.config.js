// Lint floor plus the layer fence: shared ← core ← adapters, wire ← host ← electron, serve;
// renderer and preload import only shared. The rules below make a wrong import a lint error.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import layerPlugin from './scripts/eslint-layer-rule.mjs';

const nodeBuiltins = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'net',
  'child_process',
  'crypto',
  'http',
  'https',
  'stream',
  'events',
  'url',
  'util',
  'worker_threads',
  'timers',
  'process',
  'buffer',
];

const restrict = (patterns, paths = []) => ['error', { patterns, paths }];
/** `electron` the package (a group pattern would also match a folder named electron). */
const electron = (message) => [{ name: 'electron', message }];

const below = (...layers) => layers.map((l) => `src/${l}`);
const SHELLS = below('main/electron', 'main/serve', 'renderer', 'preload', 'cli');
/** Each layer and the folders it may not reach: shared ← core ← adapters, wire ← host ← electron, serve. */
const layerZones = [
  {
    from: 'src/shared',
    forbid: below('main', 'renderer', 'preload', 'cli'),
    message: 'shared/ imports nothing but itself.',
  },
  {
    from: 'src/main/core',
    forbid: [...below('main/adapters', 'main/wire', 'main/host'), ...SHELLS],
    message: 'the core imports only shared/ and itself.',
  },
  {
    from: 'src/main/adapters',
    forbid: [...below('main/wire', 'main/host'), ...SHELLS],
    message: 'adapters sit below host and beside wire: they import core and shared only.',
  },
  {
    from: 'src/main/wire',
    forbid: [...below('main/adapters', 'main/host'), ...SHELLS],
    message: 'wire sits below host and beside the adapters: it imports core and shared only.',
  },
  { from: 'src/main/host', forbid: SHELLS, message: 'host/ is shared by both shells: no shell code.' },
  { from: 'src/main/fleet', forbid: SHELLS, message: 'fleet/ sits at the host level: no shell code.' },
  {
    from: 'src/main/serve',
    forbid: below('main/electron', 'renderer', 'preload', 'cli'),
    message: 'the headless host runs under plain Node, without the Electron shell.',
  },
  {
    from: 'src/cli',
    forbid: below('main/electron', 'renderer', 'preload'),
    message: 'the CLI runs under plain Node.',
  },
  {
    from: 'src/renderer',
    forbid: below('main', 'cli', 'preload'),
    message: 'the renderer imports only shared/ (and itself); it reaches the preload through window.vmsig.',
  },
  {
    from: 'src/preload',
    forbid: below('main', 'cli', 'renderer'),
    message: 'the preload imports only shared/ (and itself).',
  },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'out/**',
      'dist/**',
      'e2e/artifacts/**',
      'test-results/**',
      'bin/**',
      '.vmsig-tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.node.json', './tsconfig.web.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
      'max-lines': ['warn', { max: 400, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // Where a relative import lands, resolved to a path: a bare folder import ('../serve')
    // counts as the folder. Packages (electron, node:*) are fenced by no-restricted-imports below.
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    plugins: { vmsig: layerPlugin },
    rules: { 'vmsig/layer-imports': ['error', { root: import.meta.dirname, zones: layerZones }] },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        [{ group: nodeBuiltins, message: 'shared/ is imported by every process: no Node I/O.' }],
        electron('shared/ is imported by every process.'),
      ),
    },
  },
  {
    files: ['src/main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        [
          {
            group: nodeBuiltins,
            message: 'The core is pure: time and logging come in through Clock and Log.',
          },
        ],
        electron('The core is pure.'),
      ),
    },
  },
  {
    files: ['src/main/adapters/**/*.ts', 'src/main/wire/**/*.ts', 'src/main/host/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        [],
        electron('Only src/main/electron imports electron: the rest also runs headless.'),
      ),
    },
  },
  {
    files: ['src/main/serve/**/*.ts', 'src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([], electron('The headless host and CLI run under plain Node.')),
    },
  },
  {
    files: ['src/renderer/**/*.ts', 'src/renderer/**/*.tsx', 'src/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        { group: nodeBuiltins, message: 'Renderer and preload import only shared/ (and themselves).' },
      ]),
    },
  },
  {
    files: ['src/renderer/**/*.ts', 'src/renderer/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    // Plain Node scripts (runners, bins): Node's globals, no type-aware rules.
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Buffer: 'readonly',
      },
    },
  },
  {
    files: ['src/cli/**/*.ts', 'bench/**/*.ts', 'scripts/**', 'e2e/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
);
