/*
 * `vmsig input key|type|move|click|scroll --vm N`: input injection under the INPUT lease,
 * taken for the command's own duration; what the VM held is released first. Every CMD_INPUT
 * waits for its ACT_ACK (so a bounded lane never answers BUSY); the first refusal stops the
 * command (keys it pressed are released again). Text is typed on --layout (QEMU's keymaps).
 * record, play and macros are keyboard macros (./macro.ts).
 */
import { InputKind, Kind, LeaseClass, encodeInput } from '../../shared/model';
import type { WireClient } from '../../main/wire';
import { type CliCommand, type CliIo, type ParsedArgs, UsageError, intArg, opt, parseArgs } from '../command';
import { CONNECT_OPTIONS, CONNECT_USAGE, checkAck, openSession, vmOption, withLease } from './session';
import { DEFAULT_LAYOUT, KeymapError, type Layout, loadLayout, strokesFor } from '../../main/host/keymap';
import { keyCode } from './key-names';
import { releaseHeld } from './release-held';
import { MACRO_OPTIONS, MACRO_USAGE, macroAction } from './macro';

const BUTTONS: Readonly<Record<string, number>> = { left: 0x110, right: 0x111, middle: 0x112 };
const ABS_MAX = 32767;
const REL_WHEEL = 8;
const REL_HWHEEL = 6;

interface InputStep {
  kind: number;
  code: number;
  value: number;
  scroll?: number;
}

function upDown(p: ParsedArgs): ('down' | 'up')[] {
  if (p.options.has('down') && p.options.has('up'))
    throw new UsageError('--down and --up exclude each other');
  if (p.options.has('down')) return ['down'];
  if (p.options.has('up')) return ['up'];
  return ['down', 'up'];
}

/** The input steps of one `vmsig input` invocation; throws UsageError on bad arguments. */
export function stepsFor(action: string | undefined, rest: string[], p: ParsedArgs): InputStep[] {
  const layoutName = opt(p, 'layout') ?? DEFAULT_LAYOUT;
  const layout = (): Layout => {
    try {
      return loadLayout(layoutName);
    } catch (e) {
      if (e instanceof KeymapError) throw new UsageError(e.message);
      throw e;
    }
  };
  const one = (what: string): string => {
    if (rest.length !== 1) throw new UsageError(`input ${action} takes one ${what}`);
    return rest[0]!;
  };
  switch (action) {
    case 'key': {
      const name = one('key name');
      const code = keyCode(name, layout());
      if (code === undefined)
        throw new UsageError(
          `unknown key "${name}" (a character, a name like enter/esc/up/f1, or an evdev code)`,
        );
      return upDown(p).map((d) => ({ kind: InputKind.KEY, code, value: d === 'down' ? 1 : 0 }));
    }
    case 'type': {
      const text = one('text argument');
      let strokes;
      try {
        strokes = strokesFor(layout(), text, layoutName);
      } catch (e) {
        if (e instanceof KeymapError) throw new UsageError(e.message);
        throw e;
      }
      return strokes.map((s) => ({ kind: InputKind.KEY, code: s.code, value: s.down ? 1 : 0 }));
    }
    case 'move': {
      if (rest.length !== 2) throw new UsageError('input move takes x and y');
      const rel = p.options.has('rel');
      const lo = rel ? -32768 : 0;
      const x = intArg(rest[0], 'x', lo, ABS_MAX);
      const y = intArg(rest[1], 'y', lo, ABS_MAX);
      const kind = rel ? InputKind.REL : InputKind.ABS;
      return [
        { kind, code: 0, value: x },
        { kind, code: 1, value: y },
      ];
    }
    case 'click': {
      if (rest.length > 1) throw new UsageError('input click takes at most a button (left, right, middle)');
      const name = rest[0] ?? 'left';
      const code = BUTTONS[name];
      if (code === undefined) throw new UsageError(`unknown button "${name}" (left, right, middle)`);
      return upDown(p).map((d) => ({ kind: InputKind.BTN, code, value: d === 'down' ? 1 : 0 }));
    }
    case 'scroll': {
      const notches = intArg(one('number of notches'), 'notches', -64, 64);
      return [
        {
          kind: InputKind.SCROLL,
          code: p.options.has('horizontal') ? REL_HWHEEL : REL_WHEEL,
          value: 0,
          scroll: notches,
        },
      ];
    }
    default:
      throw new UsageError(
        `first argument must be key, type, move, click, scroll, record, play or macros, got "${action ?? ''}"`,
      );
  }
}

async function sendSteps(client: WireClient, io: CliIo, vm: number, steps: InputStep[]): Promise<number> {
  const held = new Map<number, InputStep>();
  for (const s of steps) {
    const r = await client.request({
      kind: Kind.CMD_INPUT,
      endpoint: vm,
      inln: encodeInput({ kind: s.kind, code: s.code, value: s.value, scroll: s.scroll ?? 0 }),
    });
    const status = checkAck(io, `input on VM ${vm}`, r);
    if (status !== 0) {
      for (const h of held.values()) {
        await client
          .request({
            kind: Kind.CMD_INPUT,
            endpoint: vm,
            inln: encodeInput({ kind: h.kind, code: h.code, value: 0, scroll: 0 }),
          })
          .catch(() => null);
      }
      return status;
    }
    if (s.kind === InputKind.KEY || s.kind === InputKind.BTN) {
      if (s.value) held.set(s.code, s);
      else held.delete(s.code);
    }
  }
  return 0;
}

export const inputCommand: CliCommand = {
  name: 'input',
  summary:
    'inject input: key, type "text" [--layout de], move, click, scroll; record/play keyboard macros (takes the INPUT lease)',
  usage:
    'vmsig input key <key> [--down|--up] | type <text> [--layout L] | move <x> <y> [--rel] | click [left|right|middle] [--down|--up] | scroll <notches> [--horizontal]  --vm N ' +
    `${CONNECT_USAGE}\n  move: absolute 0..32767 on both axes (QEMU's tablet range), or --rel deltas` +
    `\n  --layout: the guest's keyboard layout, a name from /usr/share/qemu/keymaps (default ${DEFAULT_LAYOUT})` +
    '\n  keys and buttons the VM held (a killed or preempted holder) are released first' +
    MACRO_USAGE,
  async run(args, io) {
    const p = parseArgs(
      args,
      [...CONNECT_OPTIONS, 'vm', 'layout', ...MACRO_OPTIONS],
      ['down', 'up', 'rel', 'horizontal'],
    );
    const [action, ...rest] = p.positionals;
    if (action === 'record' || action === 'play' || action === 'macros')
      return macroAction(action, rest, p, io);
    const steps = stepsFor(action, rest, p);
    const vm = vmOption(p);
    const client = await openSession(p, 'input');
    try {
      return await withLease(client, io, vm, LeaseClass.INPUT, async () => {
        const status = await releaseHeld(client, io, vm);
        return status !== 0 ? status : sendSteps(client, io, vm, steps);
      });
    } finally {
      await client.close();
    }
  },
};
