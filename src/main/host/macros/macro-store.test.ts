import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/model';
import { MacroError } from '../../../shared/macros';
import { MacroStore, macroDir } from './macro-store';

let root: string;
let store: MacroStore;
const macro = {
  name: 'login',
  steps: [
    { delayMs: 0, code: 30, down: true },
    { delayMs: 5, code: 30, down: false },
  ],
};

function refusal(fn: () => unknown): MacroError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MacroError);
    return e as MacroError;
  }
  throw new Error('expected a MacroError');
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-macros-'));
  store = new MacroStore(path.join(root, 'macros'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('macro store', () => {
  it('saves 0600 in a 0700 directory it creates, lists and loads it back', () => {
    const file = store.save(macro);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(store.dir).mode & 0o777).toBe(0o700);
    expect(store.load('login')).toEqual(macro);
    expect(store.list()).toEqual({ macros: [{ name: 'login', steps: 2, durationMs: 5 }], errors: [] });
    store.save({ ...macro, steps: macro.steps.slice(0, 1) });
    expect(store.load('login').steps).toHaveLength(1);
    expect(fs.readdirSync(store.dir)).toEqual(['login.json']);
  });

  it('refuses a macro file others can read, a link, a file naming another macro, and a shared directory', () => {
    const file = store.save(macro);
    fs.chmodSync(file, 0o644);
    expect(refusal(() => store.load('login'))).toMatchObject({ code: ErrorCode.PERM });
    expect(refusal(() => store.load('login')).detail).toMatch(/lets others read it/);
    fs.chmodSync(file, 0o600);
    fs.symlinkSync(file, path.join(store.dir, 'other.json'));
    expect(refusal(() => store.load('other')).detail).toMatch(/symbolic link/);
    fs.rmSync(path.join(store.dir, 'other.json'));
    fs.copyFileSync(file, path.join(store.dir, 'copy.json'));
    fs.chmodSync(path.join(store.dir, 'copy.json'), 0o600);
    expect(refusal(() => store.load('copy')).detail).toMatch(/names macro "login"/);
    expect(store.list().macros.map((m) => m.name)).toEqual(['login']);
    expect(store.list().errors).toEqual([expect.stringMatching(/^copy\.json: .*names macro "login"/)]);
    fs.chmodSync(store.dir, 0o755);
    expect(refusal(() => store.load('login'))).toMatchObject({ code: ErrorCode.PERM });
    expect(refusal(() => store.save(macro))).toMatchObject({ code: ErrorCode.PERM });
  });

  // Only root can give a file away; elsewhere the owner check is the same code path as the mode's.
  it.skipIf(process.getuid?.() !== 0)('refuses a macro file owned by someone else', () => {
    const file = store.save(macro);
    fs.chownSync(file, 65534, 65534);
    expect(refusal(() => store.load('login'))).toMatchObject({ code: ErrorCode.PERM });
    expect(refusal(() => store.load('login')).detail).toMatch(/owned by uid 65534, not by you/);
  });

  it('answers NOENT for a missing macro, INVAL for a bad name or bad content, and lists nothing without a directory', () => {
    expect(store.list()).toEqual({ macros: [], errors: [] });
    expect(refusal(() => store.load('nope'))).toMatchObject({ code: ErrorCode.NOENT });
    store.save(macro);
    expect(refusal(() => store.load('../x'))).toMatchObject({ code: ErrorCode.INVAL });
    fs.writeFileSync(
      path.join(store.dir, 'bad.json'),
      '{"vmsigMacro":1,"name":"bad","steps":[{"code":1e99}]}',
      { mode: 0o600 },
    );
    expect(refusal(() => store.load('bad')).detail).toMatch(
      /bad\.json: steps\[0\]: unknown field|bad\.json: steps\[0\]\./,
    );
  });

  it('resolves the same directory for host and CLI: $VMSIG_MACRO_DIR, else the XDG config directory', () => {
    expect(macroDir({ VMSIG_MACRO_DIR: '/x/m' })).toBe('/x/m');
    expect(macroDir({ XDG_CONFIG_HOME: '/c' })).toBe('/c/vmsig/macros');
    expect(macroDir({ HOME: '/h' })).toBe('/h/.config/vmsig/macros');
  });
});
