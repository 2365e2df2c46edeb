// Lint floor plus the layer fence: shared ← core ← adapters, wire ← host ← electron, serve;
// renderer and preload import only shared. The rules below make a wrong import a lint error.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

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

const restrict = (patterns) => ['error', { patterns }];

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'e2e/artifacts/**', 'test-results/**', 'bin/**'] },
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
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        { group: nodeBuiltins, message: 'shared/ is imported by every process: no Node I/O.' },
        {
          group: ['electron', '**/main/**', '**/renderer/**', '**/preload/**', '**/cli/**'],
          message: 'shared/ imports nothing but itself.',
        },
      ]),
    },
  },
  {
    files: ['src/main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        { group: nodeBuiltins, message: 'The core is pure: time and logging come in through Clock and Log.' },
        {
          group: [
            'electron',
            '**/adapters/**',
            '**/wire/**',
            '**/host/**',
            '**/electron/**',
            '**/serve/**',
            '**/renderer/**',
          ],
          message: 'The core imports only shared/ and itself.',
        },
      ]),
    },
  },
  {
    files: ['src/main/adapters/**/*.ts', 'src/main/wire/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        {
          group: ['electron', '**/host/**', '**/electron/**', '**/serve/**', '**/renderer/**', '**/cli/**'],
          message: 'Adapters and wire sit below host: they import core and shared only.',
        },
      ]),
    },
  },
  {
    files: ['src/main/host/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        {
          group: ['electron', '**/electron/**', '**/serve/**', '**/renderer/**'],
          message: 'host/ is shared by both shells: no Electron, no shell code.',
        },
      ]),
    },
  },
  {
    files: ['src/main/serve/**/*.ts', 'src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        {
          group: ['electron', '**/electron/**', '**/renderer/**'],
          message: 'The headless host and CLI run under plain Node.',
        },
      ]),
    },
  },
  {
    files: ['src/renderer/**/*.ts', 'src/renderer/**/*.tsx', 'src/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        {
          group: ['**/main/**', '**/cli/**', ...nodeBuiltins],
          message: 'Renderer and preload import only shared/ (and themselves).',
        },
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
