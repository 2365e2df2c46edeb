/*
 * Tells whether a guest has shown it is alive since its last start or reset: it wrote to its
 * serial port, or its display entered a mode of its own. Until then the guest is "silent",
 * with the seconds since; when the boot budget passes silent it calls onSilent once. It only
 * observes (and is told about resets); deciding what to do about silence is the runner's job.
 */

/** A display mode as QEMU's screendump reports it. */
export interface DisplayMode {
  width: number;
  height: number;
}

/** Where the watchdog looks for signs of life. */
export interface BootSignals {
  /** Bytes the guest wrote to its serial port so far (monotonic). */
  serialBytes(): number;
  /** The display's current mode, or null when it cannot be read now. */
  displayMode(): Promise<DisplayMode | null>;
}

/** Time for the watchdog: now in ms and a one-shot timer (injected so tests run on a fake clock). */
export interface WatchdogClock {
  nowMs(): number;
  setTimer(fn: () => void, ms: number): () => void;
}

/** What HostVm shows: silent with the seconds since the start or reset, or progressed. */
export interface BootStatus {
  state: 'silent' | 'progressed';
  /** Whole seconds since the start or reset while silent; null once the guest progressed. */
  silentForS: number | null;
}

/** Options of a watchdog; all but the signals have defaults. */
export interface BootWatchdogOptions {
  /** How long a guest may stay silent before onSilent (default BOOT_BUDGET_MS). */
  budgetMs?: number;
  /** How often to look while silent (default 1000 ms; five times slower once past the budget). */
  pollMs?: number;
  clock?: WatchdogClock;
  /** Called once per start or reset when the budget passed with no sign of life. */
  onSilent?: (silentMs: number) => void;
  /** Called when the guest first shows life after a start or reset, saying how. */
  onProgress?: (how: 'serial' | 'display') => void;
}

/** Default boot budget: the test guest reaches its shell in ~10 s under TCG on a busy 2-core host. */
export const BOOT_BUDGET_MS = 20_000;

/**
 * SeaBIOS's (and a plain VGA text console's) mode: entering it is no proof that a guest
 * runs, since SeaBIOS sets it even when the kernel it hands over to hangs at once.
 */
export const FIRMWARE_TEXT_MODE: DisplayMode = { width: 720, height: 400 };

const realClock: WatchdogClock = {
  nowMs: () => Date.now(),
  setTimer: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
};

/** Watches one QEMU process's guest; call begin() at start and on every RESET, dispose() at stop. */
export class BootWatchdog {
  private readonly budgetMs: number;
  private readonly pollMs: number;
  private readonly clock: WatchdogClock;
  private startedAt = 0;
  private serialBase = 0;
  private lastMode: DisplayMode | null = null;
  private progressed = false;
  private generation = 0;
  private firedGeneration = -1;
  private cancelTimer: (() => void) | null = null;
  private disposed = false;

  constructor(
    private readonly signals: BootSignals,
    private readonly options: BootWatchdogOptions = {},
  ) {
    this.budgetMs = options.budgetMs ?? BOOT_BUDGET_MS;
    this.pollMs = options.pollMs ?? 1000;
    this.clock = options.clock ?? realClock;
  }

  /** A start or a reset: the guest is silent from now until it shows life again. */
  begin(): void {
    if (this.disposed) return;
    this.generation++;
    this.startedAt = this.clock.nowMs();
    this.serialBase = this.signals.serialBytes();
    this.progressed = false;
    this.schedule(this.pollMs);
  }

  /** The current status (silent for N s, or progressed); serial output counts at once. */
  status(): BootStatus {
    if (!this.progressed && !this.disposed && this.signals.serialBytes() > this.serialBase)
      this.progress('serial');
    if (this.progressed) return { state: 'progressed', silentForS: null };
    return { state: 'silent', silentForS: Math.floor((this.clock.nowMs() - this.startedAt) / 1000) };
  }

  /** One look at the signals (the timer calls it; tests may too). Never rejects. */
  async poll(): Promise<void> {
    if (this.progressed || this.disposed) return;
    const generation = this.generation;
    if (this.signals.serialBytes() > this.serialBase) return this.progress('serial');
    const mode = await this.signals.displayMode().catch(() => null);
    // A reset or dispose while the screendump ran: this look belongs to the old boot.
    if (generation !== this.generation || this.disposed) return;
    if (mode) {
      const before = this.lastMode;
      this.lastMode = mode;
      if (before && !sameMode(before, mode) && !sameMode(mode, FIRMWARE_TEXT_MODE))
        return this.progress('display');
    }
    const silentMs = this.clock.nowMs() - this.startedAt;
    if (silentMs >= this.budgetMs && this.firedGeneration !== generation) {
      this.firedGeneration = generation;
      this.options.onSilent?.(silentMs);
    }
  }

  /** Stops looking; status() stays as it was. Idempotent. */
  dispose(): void {
    this.disposed = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
  }

  private progress(how: 'serial' | 'display'): void {
    this.progressed = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.options.onProgress?.(how);
  }

  private schedule(ms: number): void {
    this.cancelTimer?.();
    this.cancelTimer = this.clock.setTimer(() => {
      this.cancelTimer = null;
      void this.poll().then(() => {
        if (this.progressed || this.disposed || this.cancelTimer) return;
        const pastBudget = this.clock.nowMs() - this.startedAt >= this.budgetMs;
        this.schedule(pastBudget ? this.pollMs * 5 : this.pollMs);
      });
    }, ms);
  }
}

function sameMode(a: DisplayMode, b: DisplayMode): boolean {
  return a.width === b.width && a.height === b.height;
}
