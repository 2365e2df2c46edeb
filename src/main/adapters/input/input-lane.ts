/*
 * The INPUT adapter's lane: translated input commands wait here in arrival order and go to
 * QMP one at a time, key events paced for the keyboard QEMU feeds and, when the operator
 * already let go, a press sent with its release (key-batch.ts). It never reorders, never
 * sends for a lease holder that changed, and never makes a key-up wait for a QMP round trip
 * when its key-down kept ring room for it.
 */
import { ErrorCode, InputKind, VmsigError } from '../../../shared/model';
import type { LeaseHolder } from '../../core';
import type { QmpClient } from '../qmp';
import { batchLength, unreleased } from './key-batch';
import { KEY_BUFFERS, type KeyboardDevice } from './keyboard-device';
import type { QmpInputEvent, Translation } from './input-translate';

/** Why a waiting input was not sent: the INPUT lease changed hands since it was admitted (LEASE). */
export class LeaseMoved extends VmsigError {
  constructor() {
    super(ErrorCode.LEASE, 'the INPUT lease changed hands while the input waited');
  }
}

/** Tells whether the INPUT lease is still held as it was when an input was admitted. */
export type LeaseCheck = (admittedUnder: LeaseHolder | undefined) => boolean;

interface Waiting {
  translation: Translation;
  key?: Translation['held'];
  lease: LeaseHolder | undefined;
  resolve(): void;
  reject(e: unknown): void;
}

/** One lane of one VM's input, in front of its shared QMP client. */
export class InputLane {
  private readonly waiting: Waiting[] = [];
  private running = false;
  private lastKeyAt = 0;
  /** Key events in the last command sent: PS/2 keeps its byte rate whatever the batching. */
  private lastKeyEvents = 0;
  /** Keys pressed alone on the virtio keyboard: their releases have ring room kept. */
  private readonly roomKept = new Set<number>();

  constructor(
    private readonly qmp: Pick<QmpClient, 'execute'>,
    private readonly keyboard: KeyboardDevice,
    private readonly leaseHeld: LeaseCheck,
    private readonly keyGapMs: number,
  ) {}

  /** Input commands admitted and not yet handed to QMP. */
  get length(): number {
    return this.waiting.length;
  }

  /**
   * Queues `translation` (admitted under `lease`); resolves once QEMU accepted all of its
   * commands, rejects with LeaseMoved when the lease changed hands before it was sent, or
   * with QEMU's error.
   */
  push(translation: Translation, lease: LeaseHolder | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const single = translation.commands.length === 1 && translation.commands[0]!.length === 1;
      const key = translation.held?.kind === InputKind.KEY && single ? translation.held : undefined;
      this.waiting.push({ translation, key, lease, resolve, reject });
      void this.run();
    });
  }

  /** Forgets the ring room kept for releases (a new QEMU process, a reset). */
  forgetRoom(): void {
    this.roomKept.clear();
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.waiting.length > 0) {
        if (this.waiting[0]!.key) await this.sendKeys();
        else this.sendOther(this.waiting.shift()!);
      }
    } finally {
      this.running = false;
    }
  }

  /** A non-key input (or a key carried by more than one event): its commands, unpaced, in order. */
  private sendOther(item: Waiting): void {
    if (!this.leaseHeld(item.lease)) return item.reject(new LeaseMoved());
    Promise.all(
      item.translation.commands.map((events) => this.qmp.execute('input-send-event', { events })),
    ).then(() => item.resolve(), item.reject);
  }

  /** The key events at the head of the lane, as one command once the keyboard has room for them. */
  private async sendKeys(): Promise<void> {
    let n = this.releasesWithRoom(batchLength(this.waiting));
    let gap = 0;
    if (n === 0) {
      n = batchLength(this.waiting);
      // Room is asked for the batch as it stands; what arrives meanwhile joins it when the
      // room counted holds it too, else the next command takes it.
      gap = await this.keyboard.room(this.keyGapMs, this.buffersFor(n));
      const wait = this.lastKeyAt + gap * this.lastKeyEvents - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const grown = batchLength(this.waiting);
      if (this.keyboard.fits(this.buffersFor(grown))) n = grown;
      const need = this.buffersFor(n);
      const kept = gap > 0 ? [] : this.newlyHeld(this.waiting.slice(0, n));
      this.keyboard.take(need - kept.length * KEY_BUFFERS, kept.length * KEY_BUFFERS);
      for (const code of kept) this.roomKept.add(code);
    }
    const batch = this.waiting.splice(0, n);
    // A release sent (or dropped) any other way than on its kept room gives that room back.
    for (const item of batch)
      if (item.key && !item.key.down && this.roomKept.delete(item.key.code))
        this.keyboard.unreserve(KEY_BUFFERS);
    if (!this.leaseHeld(batch[0]!.lease)) {
      for (const item of batch) item.reject(new LeaseMoved());
      return;
    }
    this.lastKeyAt = Date.now();
    this.lastKeyEvents = batch.length;
    const events: QmpInputEvent[] = batch.map((item) => item.translation.commands[0]![0]!);
    this.qmp.execute('input-send-event', { events }).then(
      () => batch.forEach((item) => item.resolve()),
      (e: unknown) => batch.forEach((item) => item.reject(e)),
    );
  }

  /**
   * How many of the first `n` waiting items are releases of keys whose press kept ring room
   * for them, in a row from the head (their room then spent): they go at once, without
   * asking QEMU, even when what follows them must wait for room. 0 when none can.
   */
  private releasesWithRoom(n: number): number {
    let k = 0;
    for (let key = this.waiting[0]?.key; k < n && key && !key.down && this.roomKept.has(key.code);)
      key = this.waiting[++k]?.key;
    for (const item of this.waiting.slice(0, k)) this.roomKept.delete(item.key!.code);
    return k > 0 && this.keyboard.release(k * KEY_BUFFERS) ? k : 0;
  }

  /** Ring buffers a command of the first `n` items takes, with room kept for its unreleased presses. */
  private buffersFor(n: number): number {
    const items = this.waiting.slice(0, n);
    return items.length + 1 + this.newlyHeld(items).length * KEY_BUFFERS;
  }

  /**
   * Codes of the keys `items` leave held that have no room kept yet: a key the client
   * autorepeats (value 2) keeps one release's room, however often it repeats.
   */
  private newlyHeld(items: readonly Waiting[]): number[] {
    const codes = new Set(unreleased(items).map((k) => k.code));
    return [...codes].filter((code) => !this.roomKept.has(code));
  }
}
