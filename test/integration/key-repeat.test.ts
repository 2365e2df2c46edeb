// No guest key repeat when the host is behind: the real test guest's QMP replies reach the
// INPUT adapter late (a proxy holds every line back, as a loaded TCG host does), text is
// typed into `cat > /dev/ttyS0` on tty1, and what the guest echoes on ttyS0 must be the text
// typed: a key-up reaching the guest more than 250 ms after its key-down fires the guest's
// autorepeat ("/dev/ttyS0" came back as "//dev/ttySS0"). Two typists: one that awaits each
// ACT_ACK (the CLI's pace), one that presses and releases on a clock (a browser's pace).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cap, InputKind, Kind, LeaseClass } from '../../src/shared/model';
import { attachVm, type VmAttachment } from '../../src/main/adapters/attach-vm';
import { KeyboardDevice } from '../../src/main/adapters/input';
import { bootTestVm, ensureGuest, type TestVm } from '../helpers/guest';
import { TestControl, keyStrokes, realCore, testLog } from '../helpers/adapters-harness';
import { QmpDelayProxy } from '../helpers/qmp-delay-proxy';
import { until } from '../helpers/until';

const guest = ensureGuest();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How late QEMU's answers reach the adapter while the typists type. */
const DELAY_MS = 150;
/** The clocked typist: each key held this long, then this long until the next press. */
const HOLD_MS = 40;
const GAP_MS = 40;

/** Lines typed: unique heads, a path with repeated letters and a Shift, as the failing specs typed. */
/** Ctrl+D ends the guest's `cat`. */
const CTRL_D = [
  [29, 1],
  [32, 1],
  [32, 0],
  [29, 0],
] as const;

const LINES = ['ka1 /dev/ttyS0 kept', 'ka2 /dev/ttyS0 kept', 'kb1 /dev/ttyS0 deep', 'kb2 /dev/ttyS0 deep'];

describe.skipIf(!guest.ok)('key repeat on the test guest while QMP answers late', () => {
  let vm: TestVm;
  let proxy: QmpDelayProxy;
  let att: VmAttachment;
  let operator: TestControl;
  let goAt = 0;

  beforeAll(async () => {
    vm = await bootTestVm({ spec: { id: 1, name: 'repeat' } });
    proxy = await QmpDelayProxy.start(vm.handle.paths.qmp);
    const core = realCore();
    operator = new TestControl(core, { name: 'operator', caps: Cap.INPUT | Cap.OBSERVE, principal: 1 });
    att = await attachVm(core, { endpoint: 1, name: 'repeat', qmpPath: proxy.path, log: testLog });
    const kbd = new KeyboardDevice(att.qmp);
    await until(() => kbd.check(), 20_000, 'the guest driving the virtio keyboard', 200);
    expect(await operator.acquire(1, LeaseClass.INPUT)).toBe(Kind.LEASE_GRANTED);
    expect(await operator.type(1, 'echo KR-GO > /dev/ttyS0; cat > /dev/ttyS0\n')).toEqual([0]);
    goAt = (await vm.waitForSerial('KR-GO')).end;
  }, 120_000);

  afterAll(async () => {
    await att?.detach();
    await proxy?.stop();
    await vm?.stop();
  });

  it('text typed while every QMP answer is 150 ms late comes back on ttyS0 without repeated characters', async () => {
    proxy.delayMs = DELAY_MS;
    // The CLI's pace: each key event waits for the ACT_ACK of the one before.
    for (const line of LINES.slice(0, 2)) expect(await operator.type(1, `${line}\n`)).toEqual([0]);
    // A browser's pace: press, HOLD_MS, release, GAP_MS, whatever the acks do.
    const acks: Promise<{ err: number }>[] = [];
    for (const k of keyStrokes(`${LINES.slice(2).join('\n')}\n`)) {
      acks.push(operator.input(1, InputKind.KEY, k.code, k.value));
      await sleep(k.value ? HOLD_MS : GAP_MS);
    }
    expect(new Set((await Promise.all(acks)).map((a) => a.err))).toEqual(new Set([0]));
    proxy.delayMs = 0;
    for (const [code, value] of CTRL_D)
      expect((await operator.input(1, InputKind.KEY, code, value)).err).toBe(0);
    expect(await operator.type(1, 'echo KR-END > /dev/ttyS0\n')).toEqual([0]);
    const end = await vm.waitForSerial('KR-END', { since: goAt });
    // cat writes back exactly the lines the tty received, in order; then only the end marker.
    const echoed = vm.handle.serial
      .text(goAt)
      .slice(0, end.end - goAt)
      .split(/\r?\n/)
      .map((l) => l.replace(/\r/g, ''))
      .filter((l) => l !== '' && !l.includes('KR-END'));
    const extra = echoed.reduce((n, l) => n + l.length, 0) - LINES.reduce((n, l) => n + l.length, 0);
    console.info(`[key-repeat] delay ${DELAY_MS} ms: ${extra} extra characters ${JSON.stringify(echoed)}`);
    expect(echoed).toEqual(LINES);
  }, 240_000);
});
