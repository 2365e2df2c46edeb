/*
 * The INPUT seam of one VM: CMD_INPUT → QMP input-send-event (one key per command: QEMU
 * loses keys of a whole line sent at once), CMD_LIFECYCLE → system_powerdown/reset/wakeup,
 * stop, cont, and CMD_QUERY_INPUT → INPUT_HELD from the record of accepted presses. Every
 * command is acked once QEMU answered; it shares the VM's QMP link and never opens its own.
 * Keys wait in a bounded lane (BUSY past it); a key still waiting when the INPUT lease
 * changes hands is dropped and answered LEASE, never typed for its former holder (§10).
 */
import {
  Codec,
  ErrorCode,
  InputKind,
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
  VmsigError,
} from '../../../shared/model';
import type { Core, LeaseArbiter, LeaseHolder } from '../../core';
import type { Log } from '../../core/ports';
import { SeamLifecycle, type VmLink } from '../link';
import { HeldRecord } from './held-record';
import { KeyboardDevice } from './keyboard-device';
import { translateInput } from './input-translate';

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

/** Why a waiting input command was not sent: its sender no longer holds the lease it was admitted under. */
const LEASE_MOVED = new VmsigError(ErrorCode.LEASE, 'the INPUT lease changed hands while the input waited');

/** The INPUT adapter of one endpoint. */
export class InputAdapter {
  private readonly seam: SeamLifecycle;
  private readonly held = new HeldRecord();
  private readonly keyboard: KeyboardDevice;
  /** Settles after every input sent so far was answered: a held query waits for it. */
  private tail: Promise<unknown> = Promise.resolve();
  /** Orders submissions to QMP (a paced key must not be overtaken by a later event). */
  private lane: Promise<void> = Promise.resolve();
  private lastKeyAt = 0;
  /** Input commands in the lane (waiting or being sent). */
  private queued = 0;
  private readonly arbiter: LeaseArbiter;

  /** Registers the seam with the core (throws when the endpoint is undeclared or the seam owned). */
  constructor(
    core: Core,
    private readonly endpoint: number,
    name: string,
    private readonly link: VmLink,
    log: Log,
    private readonly keyGapMs = DEFAULT_KEY_GAP_MS,
    private readonly laneMax = DEFAULT_LANE_MAX,
  ) {
    this.arbiter = core.arbiter;
    this.keyboard = new KeyboardDevice(link.qmp);
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
      if (!status.up) this.keyboard.invalidate();
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
    if (this.queued >= this.laneMax) return this.seam.ack(cmd, ErrorCode.BUSY);
    const paced = translation.held?.kind === InputKind.KEY;
    // The gate admitted it under this holder's lease; a new holder object means it moved.
    const lease = this.arbiter.holder(this.endpoint, LeaseClass.INPUT);
    this.queued++;
    // One lane orders every submission; the QMP queue then keeps FIFO order and pipelines
    // them. Key events are spaced by keyGapMs because QEMU's PS/2 queue holds 16 bytes and
    // drops what a slow (TCG, loaded) guest has not read: QEMU's own send-key waits 10 ms too.
    // A guest reading the virtio keyboard is paced by the free buffers of its ring instead
    // (keyboard-device.ts): as fast as it reads, never more than the ring holds.
    const submitted = this.lane.then(async () => {
      try {
        this.checkLease(lease);
        if (paced) {
          const gap = await this.keyboard.slot(this.keyGapMs);
          const wait = this.lastKeyAt + gap - Date.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          this.checkLease(lease);
          this.lastKeyAt = Date.now();
        }
      } finally {
        this.queued--;
      }
      return {
        replies: Promise.all(
          translation.commands.map((events) => this.link.qmp.execute('input-send-event', { events })),
        ),
      };
    });
    this.lane = submitted.then(
      () => undefined,
      () => undefined,
    );
    const sent = submitted.then((s) => s.replies);
    this.tail = sent.catch(() => undefined);
    sent.then(
      () => {
        if (translation.held) this.held.apply(translation.held);
        this.seam.ack(cmd, ErrorCode.OK);
      },
      (e: unknown) => {
        if (e === LEASE_MOVED) this.seam.ack(cmd, ErrorCode.LEASE);
        else this.seam.fail(cmd, 'input-send-event', e);
      },
    );
  }

  /** Throws LEASE_MOVED when the INPUT lease is no longer held as it was when the input was admitted. */
  private checkLease(admittedUnder: LeaseHolder | undefined): void {
    if (this.arbiter.holder(this.endpoint, LeaseClass.INPUT) !== admittedUnder) throw LEASE_MOVED;
  }

  private lifecycle(cmd: VmsigEvent): void {
    const { op } = decodeOp(cmd.inln);
    const command = LIFECYCLE_COMMAND[op];
    if (command === undefined) return this.seam.ack(cmd, ErrorCode.INVAL);
    // A reset hands the keys back to PS/2 until the guest's virtio driver is up again.
    if (op === LifecycleOp.RESET) this.keyboard.invalidate();
    this.link.qmp.execute(command).then(
      () => this.seam.ack(cmd, ErrorCode.OK),
      (e: unknown) => this.seam.fail(cmd, command, e),
    );
  }

  private queryHeld(cmd: VmsigEvent): void {
    void this.tail.then(() =>
      this.seam.reply(cmd, { kind: Kind.INPUT_HELD, inln: encodeInputHeld(this.held.entries()) }),
    );
  }
}
