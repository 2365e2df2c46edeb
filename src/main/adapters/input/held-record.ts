/*
 * The actuator's record of held keys and buttons: what this adapter pressed on the VM and
 * has not released, in press order. It records only sends QEMU accepted, and never
 * releases anything by itself (that is the control's decision).
 */
import type { HeldChange } from './input-translate';

/** Held KEY/BTN entries of one VM. */
export class HeldRecord {
  private readonly held = new Map<string, { kind: number; code: number }>();

  /** Applies an accepted press or release. */
  apply(change: HeldChange): void {
    const key = `${change.kind}:${change.code}`;
    if (change.down) {
      if (!this.held.has(key)) this.held.set(key, { kind: change.kind, code: change.code });
    } else this.held.delete(key);
  }

  /** Held entries, oldest press first. */
  entries(): { kind: number; code: number }[] {
    return [...this.held.values()];
  }

  /** Forgets everything (a new QEMU process holds nothing). */
  clear(): void {
    this.held.clear();
  }
}
