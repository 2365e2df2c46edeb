/*
 * Keeps one VM's shared QMP connection alive and honest: connects (retrying until QEMU is
 * there), lets the client reconnect after a close, and runs a `query-status` heartbeat
 * that declares the link stale when QEMU stops answering. It reports up/down with the
 * protocol's seam reason; it never emits events into the core itself.
 */
import { SeamReason } from '../../../shared/model';
import type { Log } from '../../core/ports';
import { type QmpClient, isQmpError, type Disposer } from '../qmp';

/** The link's verdict: up, or down with a SeamReason (HEARTBEAT_STALE, CLOSED, ERROR). */
export type LinkStatus = { up: true } | { up: false; reason: SeamReason };

/** Timing of the link; defaults: heartbeat 500 ms, stale after 3 heartbeats, retry 200 ms → 2 s. */
export interface VmLinkOptions {
  log: Log;
  heartbeatMs?: number;
  /** A heartbeat unanswered this long makes the link stale (default 3 × heartbeatMs). */
  staleMs?: number;
  /** First and longest delay between connect attempts while QEMU is not there. */
  retryMinMs?: number;
  retryMaxMs?: number;
}

/** Default heartbeat period: with 3× staleness, a hung QEMU is reported within 2 s. */
export const DEFAULT_HEARTBEAT_MS = 500;

/** Supervises one QmpClient; see the module comment. */
export class VmLink {
  private statusValue: LinkStatus = { up: false, reason: SeamReason.CLOSED };
  private readonly listeners = new Set<(status: LinkStatus) => void>();
  private readonly disposers: Disposer[] = [];
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryDelay: number;
  private heartbeatInFlight = false;
  private sawError = false;
  private stopped = false;
  private readonly heartbeatMs: number;
  private readonly staleMs: number;

  constructor(
    readonly qmp: QmpClient,
    private readonly options: VmLinkOptions,
  ) {
    this.heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.staleMs = options.staleMs ?? this.heartbeatMs * 3;
    this.retryDelay = options.retryMinMs ?? 200;
  }

  /** Current verdict. */
  get status(): LinkStatus {
    return this.statusValue;
  }

  /** Whether QMP is connected and answering. */
  get up(): boolean {
    return this.statusValue.up;
  }

  /** Calls `listener` on every change of verdict; returns the disposer. */
  onChange(listener: (status: LinkStatus) => void): Disposer {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts supervising; resolves after the first connect attempt, whatever its outcome. */
  async start(): Promise<void> {
    this.disposers.push(
      this.qmp.on('state', (state) => {
        if (state === 'running') this.connected();
        if (state === 'idle') queueMicrotask(() => this.disconnected());
      }),
      this.qmp.on('error', (e) => {
        this.sawError = true;
        this.options.log('warn', `vm-link: ${e.message}`);
      }),
    );
    this.heartbeatTimer = setInterval(() => this.beat(), this.heartbeatMs);
    await this.tryConnect();
  }

  /** Stops supervising and closes the connection; no status change is reported after it. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.retryTimer);
    for (const d of this.disposers.splice(0)) d();
    this.listeners.clear();
    await this.qmp.disconnect();
  }

  private async tryConnect(): Promise<void> {
    if (this.stopped || this.qmp.state !== 'idle') return;
    try {
      await this.qmp.connect();
    } catch (e) {
      // Expected while QEMU is not (yet) there; the idle handler plans the next attempt.
      this.options.log('debug', `vm-link: connect failed: ${isQmpError(e) ? e.message : String(e)}`);
    }
  }

  private connected(): void {
    this.retryDelay = this.options.retryMinMs ?? 200;
    this.sawError = false;
    this.set({ up: true });
  }

  /** Runs after the client's close handler finished, so its reconnect decision is visible. */
  private disconnected(): void {
    if (this.stopped || this.qmp.state !== 'idle') return;
    const reason = this.sawError ? SeamReason.ERROR : SeamReason.CLOSED;
    this.sawError = false;
    this.set({ up: false, reason });
    if (this.qmp.reconnecting || this.retryTimer) return;
    const delay = this.retryDelay;
    this.retryDelay = Math.min(this.options.retryMaxMs ?? 2000, delay * 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.tryConnect();
    }, delay);
  }

  private beat(): void {
    if (this.stopped || this.heartbeatInFlight || this.qmp.state !== 'running') return;
    this.heartbeatInFlight = true;
    this.qmp
      .execute('query-status', undefined, { timeoutMs: this.staleMs })
      .then(
        () => {
          if (!this.statusValue.up && this.qmp.state === 'running') this.set({ up: true });
        },
        (e: unknown) => {
          if (isQmpError(e, 'timeout')) this.set({ up: false, reason: SeamReason.HEARTBEAT_STALE });
          // A close is reported by the state handler; anything else is logged, not hidden.
          else if (!isQmpError(e, 'closed'))
            this.options.log('warn', `vm-link: heartbeat failed: ${String(e)}`);
        },
      )
      .finally(() => {
        this.heartbeatInFlight = false;
      });
  }

  private set(next: LinkStatus): void {
    const cur = this.statusValue;
    if (cur.up === next.up && (next.up || (!cur.up && cur.reason === next.reason))) return;
    // Once down, a close after staleness is still news: the reason changed.
    this.statusValue = next;
    for (const l of [...this.listeners]) {
      try {
        l(next);
      } catch (e) {
        this.options.log('error', `vm-link: a status listener threw: ${String(e)}`);
      }
    }
  }
}
