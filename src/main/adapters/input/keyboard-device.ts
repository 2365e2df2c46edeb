/*
 * Which keyboard QEMU is feeding, so the INPUT adapter can pace keys for it: PS/2 (16-byte
 * queue, drops what a slow guest has not read) or the managed VMs' virtio keyboard, which
 * QEMU routes keys to only once the guest's driver has set DRIVER_OK. Never fails: an
 * unknown answer means PS/2, the safe pace.
 */
import type { QmpClient } from '../qmp';

/** QOM id of the virtio keyboard the launcher gives every managed VM. */
export const VIRTIO_KEYBOARD_ID = 'vmsig-kbd';

/** Ring buffers one key event in a command of its own takes on the virtio keyboard: EV_KEY, then EV_SYN. */
export const KEY_BUFFERS = 2;
/** Buffers kept spare: the VNC relay types into the same ring without telling us. */
const SPARE_BUFFERS = 2;
/** A counted credit is trusted this long before QEMU is asked again. */
const CREDIT_MS = 50;
/** While the ring is full: poll this often, and give up (PS/2 pace) after this long. */
const POLL_MS = 2;
const STALL_MS = 2000;

/** How long a "driver up" answer is trusted: a guest reboot resets the device to PS/2 routing. */
const RECHECK_MS = 1000;

const DRIVER_OK = /DRIVER_OK/;
const BACKEND = `/machine/peripheral/${VIRTIO_KEYBOARD_ID}/virtio-backend`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Paces keys for the keyboard QEMU feeds. PS/2: a fixed gap. Virtio keyboard: credit-based,
 * from the ring itself (buffers the guest made available minus those used), so keys go as
 * fast as the guest reads them and never overflow the ring however slow the guest is.
 */
export class KeyboardDevice {
  private checkedAt = -Infinity;
  private virtioUp = false;
  private asking: Promise<boolean> | null = null;
  private credit = 0;
  private creditAt = -Infinity;
  /** Ring buffers held back for the releases of keys pressed alone. */
  private reserved = 0;

  constructor(private readonly qmp: Pick<QmpClient, 'execute'>) {}

  /**
   * Waits until the keyboard can take `buffers` more ring buffers (one per key event, one
   * for the command's EV_SYN) beyond those reserved and kept spare; takes nothing (see
   * take). Returns the least gap (ms) per key event to keep after the previous ones: 0 when
   * the virtio ring has room, else `ps2GapMs`. The PS/2 answer never waits (it is the safe
   * pace; a stale one is refreshed behind it); the virtio answer is re-confirmed once
   * RECHECK_MS old, so a guest reboot that hands keys back to PS/2 is noticed.
   */
  async room(ps2GapMs: number, buffers: number, now = Date.now()): Promise<number> {
    if (now - this.checkedAt >= RECHECK_MS) {
      const answer = this.refresh(now);
      if (!this.virtioUp) return ps2GapMs;
      if (!(await answer)) return ps2GapMs;
    } else if (!this.virtioUp) return ps2GapMs;
    const since = Date.now();
    if (since - this.creditAt > CREDIT_MS) this.credit = 0;
    while (this.credit < buffers + SPARE_BUFFERS) {
      const free = await this.freeBuffers();
      if (free === null || Date.now() - since > STALL_MS) {
        this.invalidate();
        return ps2GapMs;
      }
      // Reserved buffers are promised to releases still to come.
      this.credit = free - this.reserved;
      this.creditAt = Date.now();
      if (this.credit < buffers + SPARE_BUFFERS) await sleep(POLL_MS);
    }
    return 0;
  }

  /** Whether the room last counted (by `room`, just before) also holds `buffers`. */
  fits(buffers: number): boolean {
    return !this.virtioUp || this.credit >= buffers + SPARE_BUFFERS;
  }

  /**
   * Takes `buffers` of the room `room` found for a command, and keeps `reserve` more for
   * releases to come (those then go out with `release`, never waiting for QEMU). No-op on PS/2.
   */
  take(buffers: number, reserve: number): void {
    if (!this.virtioUp) return;
    this.credit -= buffers + reserve;
    this.reserved += reserve;
  }

  /** Gives `buffers` of the reserved room back (their release went out in a command of its own room). */
  unreserve(buffers: number): void {
    const back = Math.min(buffers, this.reserved);
    this.reserved -= back;
    this.credit += back;
  }

  /**
   * Spends `buffers` of the reserved room on releases; false when there is not that much
   * (the keys went to PS/2, or the device was reset since), and the releases must ask `room`.
   * Never asks QEMU: a key-up must not wait behind a round trip while its key autorepeats.
   */
  release(buffers: number): boolean {
    if (!this.virtioUp || this.reserved < buffers) return false;
    this.reserved -= buffers;
    return true;
  }

  /** Asks QEMU now (not from the cache) whether the guest drives the virtio keyboard. */
  check(now = Date.now()): Promise<boolean> {
    this.invalidate();
    return this.refresh(now);
  }

  /** Forgets the last answer (a new QEMU process, a reset). */
  invalidate(): void {
    this.checkedAt = -Infinity;
    this.virtioUp = false;
    this.credit = 0;
    this.reserved = 0;
  }

  private refresh(now: number): Promise<boolean> {
    this.asking ??= this.ask().then((up) => {
      this.asking = null;
      this.virtioUp = up;
      if (!up) this.reserved = 0;
      this.checkedAt = now;
      return up;
    });
    return this.asking;
  }

  /** Free buffers in the eventq ring (avail.idx − used.idx, both read live), or null when QEMU cannot say. */
  private async freeBuffers(): Promise<number | null> {
    try {
      const r = await this.qmp.execute<{ avail?: { idx?: number }; used?: { idx?: number } }>(
        'x-query-virtio-queue-element',
        { path: BACKEND, queue: 0 },
        { timeoutMs: 1000 },
      );
      const avail = r.avail?.idx;
      const used = r.used?.idx;
      return typeof avail === 'number' && typeof used === 'number' ? (avail - used) & 0xffff : null;
    } catch {
      return null;
    }
  }

  private async ask(): Promise<boolean> {
    try {
      // An x- command (QEMU ≥ 7.2): any change in its shape reads as "not up", i.e. PS/2 pace.
      const r = await this.qmp.execute<{ status?: { statuses?: string[] } }>(
        'x-query-virtio-status',
        { path: BACKEND },
        { timeoutMs: 1000 },
      );
      return (r.status?.statuses ?? []).some((s) => DRIVER_OK.test(s));
    } catch {
      // No such device (attached VM, older QEMU): the keys go to PS/2.
      return false;
    }
  }
}
