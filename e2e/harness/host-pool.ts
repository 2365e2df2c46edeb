/*
 * One booted host per Playwright worker, shared by the tests that leave it usable. A test
 * that reboots the guest says so, and the next test gets the host once the guest reported
 * ready again; a test that breaks the host (or fails on it) spoils it, and the next test
 * gets a freshly booted one.
 */
import fs from 'node:fs';
import { type RunningHost, waitFor } from './host';

/** Where the serial log stood when a test rebooted the guest. */
interface RebootMark {
  qemuPid: number | null;
  offset: number;
}

/** Hands out the worker's host, booting a new one when the last was spoiled or died. */
export class HostPool {
  private current: RunningHost | null = null;
  private spoiled = false;
  private reboot: RebootMark | null = null;

  constructor(private readonly start: () => Promise<RunningHost>) {}

  /** The worker's host with its guest ready; boots one when there is none, or it was spoiled or died. */
  async acquire(): Promise<RunningHost> {
    if (this.current && !this.spoiled && this.current.healthy() && this.reboot) {
      // A guest that does not come back is a broken host, not a failure of the next test.
      await this.waitForReboot(this.current, this.reboot).catch(() => this.spoil());
    }
    this.reboot = null;
    if (this.current && (this.spoiled || !this.current.healthy())) {
      const old = this.current;
      this.current = null;
      await old.stop();
    }
    this.spoiled = false;
    this.current ??= await this.start();
    return this.current;
  }

  /** The guest is being reset or restarted: the next test waits for its ready marker. */
  rebooting(): void {
    if (!this.current) return;
    this.reboot = { qemuPid: this.current.qemuPid(), offset: fs.statSync(this.current.serialPath).size };
  }

  /** The current host must not be handed to another test (its guest is gone, or a test failed on it). */
  spoil(): void {
    this.spoiled = true;
  }

  /** Stops the current host, if any (worker teardown). */
  async close(): Promise<void> {
    const old = this.current;
    this.current = null;
    await old?.stop();
  }

  /**
   * A reset keeps QEMU and appends to its serial log: the marker must come after the mark.
   * A restart is a new QEMU that truncated the log: any marker in it is the new boot's.
   */
  private async waitForReboot(host: RunningHost, mark: RebootMark): Promise<void> {
    await waitFor('the rebooted guest ready marker', 90_000, () => {
      const log = fs.readFileSync(host.serialPath, 'utf8');
      const since = host.qemuPid() === mark.qemuPid ? log.slice(mark.offset) : log;
      return since.includes('VMSIG-GUEST-READY');
    });
  }
}
