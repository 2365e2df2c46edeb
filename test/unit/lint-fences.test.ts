/*
 * The layer fences hold: imports planted in files of the real tree's folders, linted with the
 * project's own eslint.config.js, fail exactly when they cross a layer — folder imports
 * ('../serve', '../wire') included, and the sibling pairs adapters ↔ wire, preload ↔ renderer.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// Type information is not needed for import rules, and a planted file is on no tsconfig's
// disk list: lint it as text with only the fence rules on.
const eslint = new ESLint({
  cwd: repo,
  overrideConfig: { languageOptions: { parserOptions: { project: false, projectService: false } } },
  ruleFilter: ({ ruleId }) => ruleId === 'vmsig/layer-imports' || ruleId === 'no-restricted-imports',
});

/** Lint errors for `code` as if it were the file `rel` in the tree. */
async function fenceErrors(rel: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repo, rel) });
  return result!.messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

const crossings: [string, string, string][] = [
  ['src/main/host/planted.ts', `import { startWebHost } from '../serve';`, 'src/main/serve'],
  ['src/main/host/planted.ts', `import { x } from '../serve/web-host';`, 'src/main/serve'],
  ['src/main/host/planted.ts', `export * from '../electron';`, 'src/main/electron'],
  ['src/main/core/planted.ts', `import type { X } from '../wire';`, 'src/main/wire'],
  ['src/main/core/planted.ts', `import { Host } from '../host/host-service';`, 'src/main/host'],
  ['src/main/adapters/qmp/planted.ts', `import { WireClient } from '../../wire';`, 'src/main/wire'],
  ['src/main/wire/planted.ts', `import { QmpClient } from '../adapters/qmp';`, 'src/main/adapters'],
  ['src/main/wire/planted.ts', `const m = await import('../adapters');`, 'src/main/adapters'],
  ['src/preload/planted.ts', `import { api } from '../renderer/api';`, 'src/renderer'],
  ['src/renderer/planted.ts', `import { expose } from '../preload';`, 'src/preload'],
  ['src/renderer/views/planted.tsx', `import { Core } from '../../main/core';`, 'src/main'],
  ['src/shared/model/planted.ts', `import { run } from '../../cli/main';`, 'src/cli'],
  ['src/cli/planted.ts', `import { createWindow } from '../main/electron';`, 'src/main/electron'],
];

describe('layer fences', () => {
  it.each(crossings)('%s: %s is a lint error naming %s', async (file, code, reached) => {
    const errors = await fenceErrors(file, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('vmsig/layer-imports');
    expect(errors[0]).toContain(`reaches ${reached}`);
  });

  it.each([
    ['src/main/host/planted.ts', `import { Core } from '../core';\nimport { WireClient } from '../wire';`],
    [
      'src/main/adapters/qmp/planted.ts',
      `import { Core } from '../../core';\nimport { Kind } from '../../../shared/model';`,
    ],
    ['src/main/serve/planted.ts', `import { HostService } from '../host/host-service';`],
    ['src/renderer/planted.ts', `import type { VmsigApi } from '../shared/ipc';`],
    ['src/cli/planted.ts', `import { HostService } from '../main/host/host-service';`],
  ])('%s: an import down the layers is allowed', async (file, code) => {
    expect(await fenceErrors(file, code)).toEqual([]);
  });

  it('a package fence still holds: the core may not import node:fs', async () => {
    const errors = await fenceErrors('src/main/core/planted.ts', `import fs from 'node:fs';`);
    expect(errors).toEqual([expect.stringContaining('no-restricted-imports')]);
  });
});
