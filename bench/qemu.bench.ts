/*
 * The adapters on a real QEMU: a command's round trip core → QMP → ACT_ACK (CMD_VM QUERY)
 * beside a raw QMP `query-status` round trip on the same socket in the same run, and
 * CMD_INPUT → input-send-event commands per second through the core beside raw QMP, and
 * a long paste into the guest through its virtio keyboard beside the same paste through
 * PS/2 (keys per second, lost keys judged by the guest's echo on ttyS0).
 * Boots one test-guest VM (TCG or KVM as the probe decides) and stops it by PID.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ALL_CAPS,
  Dir,
  InputKind,
  Kind,
  LeaseClass,
  VmOp,
  type VmsigEvent,
  decodeActAck,
  encodeInput,
  encodeLeaseReq,
  encodeOp,
  makeEvent,
} from '../src/shared/model';
import { ALL_ENDPOINTS, Core } from '../src/main/core';
import { attachVm } from '../src/main/adapters/attach-vm';
import { findQemu, guestPaths, launchVm } from '../src/main/host/launcher';
import { KeyboardDevice } from '../src/main/adapters/input';
import { TestControl } from '../test/helpers/adapters-harness';
import { keyStrokes } from '../test/helpers/adapters-harness';
import { type PasteResult, pasteIntoGuest, pasteLines } from '../test/helpers/guest-paste';
import { hrClock, nowNs } from './lib/hr-clock';
import type { Reporter } from './lib/reporter';

const ROUND_TRIPS = 1000;
const INPUT_SECONDS = 2;
const WINDOW = 32;
/** 50 lines of 100 characters: 5 050 typed with the newlines (a canonical tty line holds 4 095). */
const PASTE_LINES = 50;
const PASTE_WIDTH = 100;
/** PS/2 at 10 ms is ~100 keys/s: 10 lines (~20 s) are enough for its rate. */
const PS2_LINES = 10;

/** A control that resolves each command's ACT_ACK by corr. */
function benchControl(core: Core) {
  const waiting = new Map<number, (ev: VmsigEvent) => void>();
  let corr = 0;
  let id = 0;
  const pump = (): void => {
    core.drain(id, (ev) => {
      waiting.get(ev.corr)?.(ev);
      waiting.delete(ev.corr);
      return true;
    });
  };
  id = core.attachControl(
    { name: 'bench', principal: 1, caps: ALL_CAPS, grant: ALL_ENDPOINTS, leasePrio: 1 },
    { wake: () => queueMicrotask(pump), closed: () => {} },
  );
  return (kind: number, inln: Uint8Array): Promise<VmsigEvent> =>
    new Promise((resolve) => {
      const c = ++corr;
      waiting.set(c, resolve);
      core.submit(id, makeEvent({ kind, dir: Dir.DOWN, endpoint: 1, corr: c, inln }));
    });
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Runs `a` and `b` alternately n times each (so both see the same load); per-call µs, sorted. */
async function roundTrips(
  n: number,
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
): Promise<[number[], number[]]> {
  const out: [number[], number[]] = [[], []];
  for (let i = 0; i < n; i++) {
    for (const [k, once] of [a, b].entries()) {
      const t = nowNs();
      await once();
      out[k]!.push(Number(nowNs() - t) / 1000);
    }
  }
  return [out[0].sort((x, y) => x - y), out[1].sort((x, y) => x - y)];
}

/** Keeps `window` calls in flight for `seconds`; returns completed calls per second. */
async function throughput(
  seconds: number,
  window: number,
  once: (i: number) => Promise<unknown>,
): Promise<number> {
  let done = 0;
  let i = 0;
  const start = nowNs();
  const end = start + BigInt(seconds * 1e9);
  const lane = async (): Promise<void> => {
    while (nowNs() < end) {
      await once(i++);
      done++;
    }
  };
  await Promise.all(Array.from({ length: window }, lane));
  return done / (Number(nowNs() - start) / 1e9);
}

/** Benchmark entry point (see bench/run.ts). */
export async function run(report: Reporter): Promise<void> {
  try {
    findQemu();
  } catch (e) {
    report('qemu.available', 0, 'bool', `skipped: ${(e as Error).message}`);
    return;
  }
  if (!guestPaths().built) {
    report('qemu.available', 0, 'bool', 'skipped: test guest not built (npm run guest)');
    return;
  }
  const runtimeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmsig-bench-'));
  const t0 = Date.now();
  const vm = await launchVm({ id: 1, name: 'bench', memoryMiB: 128 }, { runtimeDir });
  try {
    await vm.serial.waitFor('VMSIG-GUEST-READY', { timeoutMs: 60_000, abort: vm.exited });
    report(
      'qemu.boot_to_ready',
      Date.now() - t0,
      'ms',
      `${vm.accel}, 128 MiB, launch to serial ready marker`,
    );
    const core = new Core({ clock: hrClock });
    const att = await attachVm(core, { endpoint: 1, name: 'bench', qmpPath: vm.paths.qmp, log: () => {} });
    try {
      const send = benchControl(core);
      const granted = await send(Kind.CMD_ACQUIRE, encodeLeaseReq({ cls: LeaseClass.INPUT, reason: 0 }));
      if (granted.kind !== Kind.LEASE_GRANTED)
        throw new Error(`INPUT lease not granted (kind ${granted.kind})`);
      const query = async (): Promise<void> => {
        const ack = decodeActAck((await send(Kind.CMD_VM, encodeOp({ op: VmOp.QUERY }))).inln);
        if (!ack.ok) throw new Error(`CMD_VM QUERY failed: err ${ack.err}`);
      };
      const rawQuery = () => att.qmp.execute('query-status');
      await roundTrips(100, rawQuery, query);
      const [raw, viaCore] = await roundTrips(ROUND_TRIPS, rawQuery, query);
      const rawP50 = quantile(raw, 0.5);
      const coreP50 = quantile(viaCore, 0.5);
      report(
        'qmp.raw_query_status.p50',
        rawP50,
        'µs',
        `p99 ${quantile(raw, 0.99).toFixed(0)} µs; baseline: raw QMP on the same socket`,
      );
      report(
        'qmp.core_cmd_vm_query.p50',
        coreP50,
        'µs',
        `p99 ${quantile(viaCore, 0.99).toFixed(0)} µs; core → VMHOST → QMP → ACT_ACK`,
      );
      report('qmp.core_vs_raw.ratio', coreP50 / rawP50, 'x', 'p50 core round trip / p50 raw QMP round trip');

      // REL ±1: a mouse nudge back and forth, harmless to the guest.
      const rel = (i: number) =>
        encodeInput({ kind: InputKind.REL, code: 0, value: i % 2 ? 1 : -1, scroll: 0 });
      const rawRate = await throughput(INPUT_SECONDS, WINDOW, (i) =>
        att.qmp.execute('input-send-event', {
          events: [{ type: 'rel', data: { axis: 'x', value: i % 2 ? 1 : -1 } }],
        }),
      );
      const coreRate = await throughput(INPUT_SECONDS, WINDOW, async (i) => {
        const ack = decodeActAck((await send(Kind.CMD_INPUT, rel(i))).inln);
        if (!ack.ok) throw new Error(`CMD_INPUT failed: err ${ack.err}`);
      });
      const seqRate = await throughput(INPUT_SECONDS, 1, async (i) => send(Kind.CMD_INPUT, rel(i)));
      report(
        'input.raw_qmp.cmds_per_s',
        rawRate,
        'cmd/s',
        `baseline: raw input-send-event, ${WINDOW} in flight`,
      );
      report(
        'input.core.cmds_per_s',
        coreRate,
        'cmd/s',
        `CMD_INPUT → ACT_ACK through the core, ${WINDOW} in flight (QMP keeps ≤ 8)`,
      );
      report(
        'input.core_sequential.cmds_per_s',
        seqRate,
        'cmd/s',
        'one CMD_INPUT at a time, each awaiting its ACT_ACK',
      );
      report('input.core_vs_raw.ratio', coreRate / rawRate, 'x', 'core rate / raw QMP rate');
      // Shift pressed and released: a key the guest's shell ignores. Keys are paced: by the
      // virtio keyboard's free ring buffers once the guest drives it, else 10 ms (PS/2).
      const shift = (i: number) =>
        encodeInput({ kind: InputKind.KEY, code: 42, value: i % 2 ? 0 : 1, scroll: 0 });
      const keyRate = await throughput(1, WINDOW, async (i) => send(Kind.CMD_INPUT, shift(i)));
      report(
        'input.core_keys.cmds_per_s',
        keyRate,
        'cmd/s',
        'KEY commands, paced by the virtio keyboard ring (PS/2 would be 10 ms apart, ceiling 100/s)',
      );

      // A paste as an operator's would be: a higher-priority control takes the lease.
      const typist = new TestControl(core, { name: 'paste', caps: ALL_CAPS, principal: 2, leasePrio: 10 });
      if ((await typist.acquire(1, LeaseClass.INPUT)) !== Kind.LEASE_GRANTED)
        throw new Error('the paste control was not granted INPUT');
      const guestVm = {
        handle: vm,
        waitForSerial: (m: string | RegExp, o: { timeoutMs?: number; since?: number } = {}) =>
          vm.serial.waitFor(m, { timeoutMs: o.timeoutMs ?? 30_000, since: o.since, abort: vm.exited }),
      };
      // The Shift run above may have stopped with Shift down: let it go first.
      await typist.input(1, InputKind.KEY, 42, 0);
      const kbd = new KeyboardDevice(att.qmp);
      const virtio = await kbd.check();
      const after = await pasteIntoGuest(guestVm, typist, 1, pasteLines(PASTE_LINES, PASTE_WIDTH));
      // Unbinding the guest's virtio input driver hands QEMU's key routing back to PS/2.
      const unbind =
        'echo virtio0 > /sys/bus/virtio/drivers/virtio_input/unbind; echo virtio1 > /sys/bus/virtio/drivers/virtio_input/unbind\n';
      for (const k of keyStrokes(unbind)) await typist.input(1, InputKind.KEY, k.code, k.value);
      for (let i = 0; i < 50 && (await kbd.check()); i++) await new Promise((r) => setTimeout(r, 100));
      // The adapter re-asks at most once a second; past that it paces for PS/2.
      await new Promise((r) => setTimeout(r, 1200));
      const before = await pasteIntoGuest(guestVm, typist, 1, pasteLines(PS2_LINES, PASTE_WIDTH));
      const lossNote = (r: PasteResult): string =>
        `${r.chars} characters in ${r.chars / (PASTE_WIDTH + 1)} lines, ${r.keyEvents} key events, lost ${r.lost}${r.errors.length ? `, acks ${r.errors.join(',')}` : ''}`;
      report(
        'input.paste_ps2.keys_per_s',
        before.keysPerS,
        'keys/s',
        `before: PS/2, 10 ms between key events (virtio driver unbound in the guest); ${lossNote(before)}`,
      );
      report(
        'input.paste_virtio.keys_per_s',
        after.keysPerS,
        'keys/s',
        `after: virtio keyboard${virtio ? '' : ' (QEMU did NOT report its driver up)'}, paced by its ring's free buffers; ${lossNote(after)}`,
      );
      report(
        'input.paste_virtio.lost_keys',
        after.lost,
        'chars',
        'characters typed but not echoed back on ttyS0 (goal 0)',
      );
      report(
        'input.paste_virtio_vs_ps2.ratio',
        after.keysPerS / before.keysPerS,
        'x',
        'virtio keys/s / PS/2 keys/s, same VM, same run',
      );
    } finally {
      await att.detach();
    }
  } finally {
    await vm.stop({ graceMs: 2000 });
    fs.rmSync(runtimeDir, { recursive: true, force: true });
  }
}
