/*
 * The INPUT seam of one VM: CMD_INPUT → QMP input-send-event (at most a key's press and
 * release, or a Shifted one, per command: QEMU loses keys of a whole line sent at once;
 * input-lane.ts), CMD_LIFECYCLE → system_powerdown/reset/wakeup,
 * stop, cont, and CMD_QUERY_INPUT → INPUT_HELD from the record of accepted presses. Every
 * command is acked once QEMU answered; it shares the VM's QMP link and never opens its own.
 * Keys wait in a bounded lane (BUSY past it); a key still waiting when the INPUT lease
 * changes hands is dropped and answered LEASE, never typed for its former holder (§10).
 */
import {
  Codec,
  ErrorCode,
  Kind,
  LeaseClass,
  LifecycleOp,
  Prio,
  SeamReason,
  Source,
  type VmsigEvent,
  decodeInput,
  decodeOp,
  encodeInputHeld,
  isVmsigError,
} from '../../../shared/model';
import type { Core, LeaseArbiter, LeaseHolder } from '../../core';
import type { Log } from '../../core/ports';
import { SeamLifecycle, type VmLink } from '../link';
import { HeldRecord } from './held-record';
import { KeyboardDevice } from './keyboard-device';
import { translateInput } from './input-translate';
import { InputLane, LeaseMoved } from './input-lane';

const LIFECYCLE_COMMAND: Record<number, string> = {
  [LifecycleOp.POWERDOWN]: 'system_powerdown',
  [LifecycleOp.RESET]: 'system_reset',
  [LifecycleOp.WAKEUP]: 'system_wakeup',
  [LifecycleOp.PAUSE]: 'stop',
  [LifecycleOp.RESUME]: 'cont',
};

/** Least time between two key events sent to QEMU (QEMU's own send-key default delay). */
export const DEFAULT_KEY_GAP_MS = 10;

/** Input commands that may wait in the lane at once: 256 keys are ~2.6 s of typing at the key gap. */
export const DEFAULT_LANE_MAX = 256;

/** The INPUT adapter of one endpoint. */
export class InputAdapter {
  private readonly seam: SeamLifecycle;
  private readonly held = new HeldRecord();
  private readonly keyboard: KeyboardDevice;
  /** Settles after every input sent so far was answered: a held query waits for it. */
  private tail: Promise<unknown> = Promise.resolve();
  /** Orders submissions to QMP (a paced key must not be overtaken by a later event). */
  private readonly lane: InputLane;
  private readonly arbiter: LeaseArbiter;

  /** Registers the seam with the core (throws when the endpoint is undeclared or the seam owned). */
  constructor(
    core: Core,
    private readonly endpoint: number,
    name: string,
    private readonly link: VmLink,
    log: Log,
    keyGapMs = DEFAULT_KEY_GAP_MS,
    private readonly laneMax = DEFAULT_LANE_MAX,
  ) {
    this.arbiter = core.arbiter;
    this.keyboard = new KeyboardDevice(link.qmp);
    const leaseHeld = (admittedUnder: LeaseHolder | undefined): boolean =>
      this.arbiter.holder(this.endpoint, LeaseClass.INPUT) === admittedUnder;
    this.lane = new InputLane(link.qmp, this.keyboard, leaseHeld, keyGapMs);
    this.seam = new SeamLifecycle(core, {
      source: Source.INPUT,
      codec: Codec.INPUT,
      defaultPrio: Prio.HIGH,
      endpoint,
      name,
      link,
      log,
      commands: {
        [Kind.CMD_INPUT]: (cmd) => this.input(cmd),
        [Kind.CMD_LIFECYCLE]: (cmd) => this.lifecycle(cmd),
        [Kind.CMD_QUERY_INPUT]: (cmd) => this.queryHeld(cmd),
      },
    });
    this.seam.report((status) => {
      // A new QEMU process holds nothing; a stale one may still, so keep the record then.
      if (!status.up && status.reason !== SeamReason.HEARTBEAT_STALE) this.held.clear();
      if (!status.up) this.forgetKeyboard();
    });
  }

  /** The held record (for the UI and tests). */
  heldEntries(): { kind: number; code: number }[] {
    return this.held.entries();
  }

  /** Unregisters the seam (the core reports it down, CLOSED). */
  dispose(): void {
    this.seam.dispose();
  }

  private input(cmd: VmsigEvent): void {
    let translation;
    try {
      translation = translateInput(decodeInput(cmd.inln));
    } catch (e) {
      return this.seam.ack(cmd, isVmsigError(e) ? e.code : ErrorCode.INVAL);
    }
    if (this.lane.length >= this.laneMax) return this.seam.ack(cmd, ErrorCode.BUSY);
    // The gate admitted it under this holder's lease; a new holder object means it moved.
    const lease = this.arbiter.holder(this.endpoint, LeaseClass.INPUT);
    // One lane orders every submission; the QMP queue then keeps FIFO order and pipelines
    // them. Key events are spaced by keyGapMs because QEMU's PS/2 queue holds 16 bytes and
    // drops what a slow (TCG, loaded) guest has not read: QEMU's own send-key waits 10 ms too.
    // A guest reading the virtio keyboard is paced by the free buffers of its ring instead
    // (keyboard-device.ts): as fast as it reads, never more than the ring holds.
    const sent = this.lane.push(translation, lease);
    this.tail = sent.catch(() => undefined);
    sent.then(
      () => {
        if (translation.held) this.held.apply(translation.held);
        this.seam.ack(cmd, ErrorCode.OK);
      },
      (e: unknown) => {
        if (e instanceof LeaseMoved) this.seam.ack(cmd, ErrorCode.LEASE);
        else this.seam.fail(cmd, 'input-send-event', e);
      },
    );
  }

  private lifecycle(cmd: VmsigEvent): void {
    const { op } = decodeOp(cmd.inln);
    const command = LIFECYCLE_COMMAND[op];
    if (command === undefined) return this.seam.ack(cmd, ErrorCode.INVAL);
    // A reset hands the keys back to PS/2 until the guest's virtio driver is up again.
    if (op === LifecycleOp.RESET) this.forgetKeyboard();
    this.link.qmp.execute(command).then(
      () => this.seam.ack(cmd, ErrorCode.OK),
      (e: unknown) => this.seam.fail(cmd, command, e),
    );
  }

  /** The keyboard QEMU feeds is to be asked again, and no ring room is kept any more. */
  private forgetKeyboard(): void {
    this.keyboard.invalidate();
    this.lane.forgetRoom();
  }

  private queryHeld(cmd: VmsigEvent): void {
    void this.tail.then(() =>
      this.seam.reply(cmd, { kind: Kind.INPUT_HELD, inln: encodeInputHeld(this.held.entries()) }),
    );
  }
}
