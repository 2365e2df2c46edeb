import { describe, expect, it } from 'vitest';
import { ErrorCode, InputKind } from '../../../shared/model';
import { HeldRecord } from './held-record';
import { translateInput } from './input-translate';
import { EVDEV_TO_QCODE } from './qcode-table';

const inp = (kind: number, code: number, value: number, scroll = 0) => ({ kind, code, value, scroll });

describe('vmsig_input → input-send-event', () => {
  it('sends a key as one qcode event per command and records the press', () => {
    expect(translateInput(inp(InputKind.KEY, 30, 1))).toEqual({
      commands: [[{ type: 'key', data: { down: true, key: { type: 'qcode', data: 'a' } } }]],
      held: { kind: InputKind.KEY, code: 30, down: true },
    });
    expect(translateInput(inp(InputKind.KEY, 86, 0)).commands[0]![0]).toMatchObject({
      data: { down: false, key: { data: 'less' } },
    });
  });

  it('covers every key of a 105-key keyboard and the media keys', () => {
    const keys105 = [
      ...Array.from({ length: 83 }, (_, i) => i + 1), // ESC .. KPDOT
      86,
      87,
      88,
      96,
      97,
      98,
      99,
      100,
      102,
      103,
      104,
      105,
      106,
      107,
      108,
      109,
      110,
      111,
      119,
      125,
      126,
      127,
    ];
    const media = [113, 114, 115, 163, 164, 165, 166, 140, 155, 158, 159, 172, 173];
    expect(keys105.length).toBe(105);
    for (const code of [...keys105, ...media]) expect(EVDEV_TO_QCODE.has(code), `evdev ${code}`).toBe(true);
  });

  it('maps BTN_LEFT..BTN_EXTRA to QEMU buttons', () => {
    const names = [0x110, 0x111, 0x112, 0x113, 0x114].map(
      (c) => translateInput(inp(InputKind.BTN, c, 1)).commands[0]![0]!.data,
    );
    expect(names.map((d) => (d as { button: string }).button)).toEqual([
      'left',
      'right',
      'middle',
      'side',
      'extra',
    ]);
  });

  it('passes relative deltas and absolute coordinates 0..32767 through', () => {
    expect(translateInput(inp(InputKind.REL, 1, -5)).commands).toEqual([
      [{ type: 'rel', data: { axis: 'y', value: -5 } }],
    ]);
    expect(translateInput(inp(InputKind.ABS, 0, 32767)).commands).toEqual([
      [{ type: 'abs', data: { axis: 'x', value: 32767 } }],
    ]);
  });

  it('turns a scroll into one wheel press+release command per notch', () => {
    const t = translateInput(inp(InputKind.SCROLL, 8, 0, -2.4));
    expect(t.commands).toHaveLength(2);
    expect(t.commands[0]).toEqual([
      { type: 'btn', data: { down: true, button: 'wheel-down' } },
      { type: 'btn', data: { down: false, button: 'wheel-down' } },
    ]);
    expect(translateInput(inp(InputKind.SCROLL, 6, 0, 1)).commands[0]![0]).toMatchObject({
      data: { button: 'wheel-right' },
    });
  });

  it('refuses unknown keys, buttons, axes, out-of-range coordinates and kinds with INVAL', () => {
    for (const bad of [
      inp(InputKind.KEY, 84, 1),
      inp(InputKind.KEY, 30, 3),
      inp(InputKind.BTN, 0x115, 1),
      inp(InputKind.REL, 2, 1),
      inp(InputKind.ABS, 0, 32768),
      inp(InputKind.ABS, 1, -1),
      inp(InputKind.SCROLL, 8, 0, 1000),
      inp(InputKind.SCROLL, 8, 0, Number.NaN),
      inp(9, 0, 0),
    ]) {
      expect(() => translateInput(bad), JSON.stringify(bad)).toThrow(
        expect.objectContaining({ code: ErrorCode.INVAL }),
      );
    }
  });
});

describe('held record', () => {
  it('keeps pressed keys and buttons in press order and forgets released ones', () => {
    const h = new HeldRecord();
    h.apply({ kind: InputKind.KEY, code: 42, down: true });
    h.apply({ kind: InputKind.BTN, code: 0x110, down: true });
    h.apply({ kind: InputKind.KEY, code: 42, down: true });
    h.apply({ kind: InputKind.KEY, code: 30, down: true });
    h.apply({ kind: InputKind.KEY, code: 30, down: false });
    expect(h.entries()).toEqual([
      { kind: InputKind.KEY, code: 42 },
      { kind: InputKind.BTN, code: 0x110 },
    ]);
  });
});
