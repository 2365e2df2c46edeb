/*
 * `vmsig input record|play|macros`: keyboard macros from the command line. record follows a
 * VM's CMD_INPUT events (someone else's typing) and saves the key sequence with its timing;
 * play runs a saved macro under the INPUT lease through the same player as the console;
 * macros lists what the macro directory holds. Files live where the console finds them too.
 */
import {
  ErrorCode,
  InputKind,
  Kind,
  LeaseClass,
  type VmsigEvent,
  decodeActAck,
  decodeInput,
  decodeInputHeld,
  encodeInput,
  nameOf,
} from '../../shared/model';
import { ALL_ENDPOINTS, kindSet, maskOf } from '../../main/core';
import type { WireClient } from '../../main/wire';
import {
  MAX_FIXED_MS,
  MacroError,
  MacroRecorder,
  MacroStore,
  type PlaySpeed,
  type PlayerPort,
  checkMacroName,
  macroDurationMs,
  playMacro,
} from '../../main/host/macros';
import { type CliIo, type ParsedArgs, UsageError, intArg, opt } from '../command';
import { openSession, vmOption, withLease } from './session';

/** Options the macro actions read (beside the connection's and --vm). */
export const MACRO_OPTIONS = ['speed', 'for'] as const;

export const MACRO_USAGE =
  '\n  vmsig input record NAME --vm N [--for SECONDS]   record what others type on VM N (Ctrl+C stops)' +
  '\n  vmsig input play NAME --vm N [--speed recorded|MS]   replay under the INPUT lease (Ctrl+C cancels, keys released)' +
  '\n  vmsig input macros   list saved macros ($VMSIG_MACRO_DIR, else $XDG_CONFIG_HOME/vmsig/macros)';

/** '' for an acknowledged command, else the refusal's ErrorCode name (or the unexpected kind). */
function ackErr(r: VmsigEvent): string {
  if (r.kind !== Kind.ACT_ACK) return nameOf(Kind, r.kind);
  const a = decodeActAck(r.inln);
  return a.ok === 1 ? '' : nameOf(ErrorCode, a.err);
}

/** The player's way to the core over this CLI's socket session. */
function socketPort(client: WireClient, vm: number): PlayerPort {
  return {
    send: async (type, code, down) =>
      ackErr(
        await client.request({
          kind: Kind.CMD_INPUT,
          endpoint: vm,
          inln: encodeInput({
            kind: type === 'button' ? InputKind.BTN : InputKind.KEY,
            code,
            value: down ? 1 : 0,
            scroll: 0,
          }),
        }),
      ),
    held: async () => {
      const r = await client.request({ kind: Kind.CMD_QUERY_INPUT, endpoint: vm });
      if (r.kind !== Kind.INPUT_HELD) return { err: ackErr(r) || 'KIND', entries: [] };
      return {
        err: '',
        entries: decodeInputHeld(r.inln).entries.map((e) => ({
          type: e.kind === InputKind.BTN ? ('button' as const) : ('key' as const),
          code: e.code,
        })),
      };
    },
  };
}

/** Resolves on SIGINT/SIGTERM or after `ms` (Infinity: never), and removes its listeners. */
function stopSignal(ms: number): { stopped: Promise<string>; dispose(): void } {
  let resolve!: (why: string) => void;
  const stopped = new Promise<string>((r) => (resolve = r));
  const onSig = (sig: string): void => resolve(sig);
  process.once('SIGINT', onSig);
  process.once('SIGTERM', onSig);
  const timer = Number.isFinite(ms) ? setTimeout(() => resolve('time'), ms) : undefined;
  return {
    stopped,
    dispose() {
      process.off('SIGINT', onSig);
      process.off('SIGTERM', onSig);
      clearTimeout(timer);
    },
  };
}

async function record(name: string, p: ParsedArgs, io: CliIo): Promise<number> {
  const vm = vmOption(p);
  const forS = opt(p, 'for') === undefined ? Infinity : intArg(opt(p, 'for'), '--for', 1, 86_400);
  const store = new MacroStore();
  const client = await openSession(p, 'input record');
  const rec = new MacroRecorder();
  const stop = stopSignal(forS * 1000);
  try {
    client.onEvent((ev) => {
      if (ev.kind !== Kind.CMD_INPUT || ev.endpoint !== vm) return;
      const i = decodeInput(ev.inln);
      if (i.kind === InputKind.KEY && (i.value === 0 || i.value === 1))
        rec.key(ev.tsNs / 1e6, i.code, i.value === 1);
    });
    client.subscribe({
      kinds: kindSet([Kind.CMD_INPUT]),
      sources: 0xffffffff,
      dirs: 0b11,
      prioMin: 0,
      endpoints: vm ? maskOf([vm]) : ALL_ENDPOINTS,
    });
    await client.ping(); // the subscription is in place once the server answered after it
    io.out(`recording key events on VM ${vm} into macro "${name}" (Ctrl+C stops)`);
    const why = await Promise.race([stop.stopped, client.closed.then(() => 'closed')]);
    if (why === 'closed') io.err(`the host closed the connection; saving what was recorded`);
  } finally {
    stop.dispose();
    await client.close();
  }
  const steps = rec.finish();
  if (steps.length === 0) {
    io.err(`nothing recorded on VM ${vm}: macro "${name}" not saved`);
    return 1;
  }
  const file = store.save({ name, steps });
  io.out(`saved macro "${name}": ${steps.length} key events, ${macroDurationMs({ steps })} ms, in ${file}`);
  return 0;
}

function speedArg(p: ParsedArgs): PlaySpeed {
  const s = opt(p, 'speed') ?? 'recorded';
  return s === 'recorded'
    ? s
    : intArg(s, '--speed (recorded or milliseconds between key events)', 0, MAX_FIXED_MS);
}

async function play(name: string, p: ParsedArgs, io: CliIo): Promise<number> {
  const vm = vmOption(p);
  const speed = speedArg(p);
  const macro = new MacroStore().load(name);
  const client = await openSession(p, 'input play');
  const ac = new AbortController();
  const stop = stopSignal(Infinity);
  void stop.stopped.then(() => ac.abort());
  try {
    return await withLease(client, io, vm, LeaseClass.INPUT, async () => {
      const r = await playMacro(socketPort(client, vm), macro, speed, ac.signal);
      const held = r.releasedFirst.map((h) => `${h.type === 'button' ? 'BTN' : 'KEY'}:${h.code}`);
      if (held.length) io.out(`VM ${vm}: released what was held: ${held.join(' ')}`);
      if (r.err) {
        io.err(`macro "${name}" on VM ${vm}: refused: ${r.err} after ${r.played} of ${r.total} key events`);
        return 1;
      }
      if (r.cancelled) {
        io.err(
          `macro "${name}" on VM ${vm}: cancelled after ${r.played} of ${r.total} key events; keys released`,
        );
        return 130;
      }
      io.out(`VM ${vm}: played macro "${name}" (${r.total} key events)`);
      return 0;
    });
  } finally {
    stop.dispose();
    await client.close();
  }
}

function list(io: CliIo): number {
  const store = new MacroStore();
  const { macros, errors } = store.list();
  for (const e of errors) io.err(`unusable: ${e}`);
  if (!macros.length) io.out(`no macros in ${store.dir}`);
  for (const m of macros) io.out(`${m.name}\t${m.steps} key events\t${m.durationMs} ms`);
  return errors.length ? 1 : 0;
}

/** Runs `vmsig input record|play|macros`; a bad macro file or name is printed, exit status 1. */
export async function macroAction(action: string, rest: string[], p: ParsedArgs, io: CliIo): Promise<number> {
  try {
    if (action === 'macros') {
      if (rest.length) throw new UsageError('input macros takes no argument');
      return list(io);
    }
    if (rest.length !== 1) throw new UsageError(`input ${action} takes one macro name`);
    const name = checkMacroName(rest[0]);
    return action === 'record' ? await record(name, p, io) : await play(name, p, io);
  } catch (e) {
    if (!(e instanceof MacroError)) throw e;
    if (e.detail.startsWith('a macro name')) throw new UsageError(e.detail);
    io.err(e.message);
    return 1;
  }
}
