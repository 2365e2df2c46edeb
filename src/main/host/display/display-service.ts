/*
 * The host's one display relay, shared by both shells: it admits a viewer only when the
 * console's control has OBSERVE and the VM in its grant (asked of the core, as every
 * command is), mints the one-time tickets a WebSocket presents, opens the VM's VNC and
 * runs the RFB relay; it also takes screenshots under the same rule. It knows no transport.
 */
import { Cap, ErrorCode, VmsigError } from '../../../shared/model';
import { type Core, type Log, maskHas } from '../../core';
import type { DisplayGrant, DisplayTicketResponse, PointerStatus } from '../../../shared/display';
import { type RelaySession, runRelay } from './rfb-relay';
import { captureScreenshot } from './screenshot';
import { TicketBook } from './tickets';
import type { ViewerChannel } from './viewer-channel';
import { openVnc } from './vnc-upstream';
import type { VncTarget } from './vnc-target';

/** Screens open at once, over all VMs (each is a VNC connection to a QEMU). */
const MAX_RELAYS = 32;
/** How often running relays are admitted again. */
const RECHECK_MS = 1000;

/** What the display service needs from the host. */
export interface DisplayHostPort {
  readonly core: Core;
  vms(): { id: number; name: string; vnc: VncTarget | null }[];
  /** Whether the VM has an absolute pointer (absent: unknown). */
  pointerStatus?(id: number): Promise<PointerStatus>;
}

/** What a page gets before it opens a display through a WebSocket. */
export type DisplayTicket = DisplayTicketResponse;

/** Options: the logger and, for tests, the clock and relay tuning. */
export interface DisplayServiceOptions {
  log: Log;
  now?: () => number;
  ticketTtlMs?: number;
  highWater?: number;
  lowWater?: number;
}

/** The display relay of one console control. */
export class DisplayService {
  private readonly tickets: TicketBook;
  private readonly sessions = new Map<RelaySession, number>();
  private recheck: ReturnType<typeof setInterval> | null = null;

  /** `viewer()` is the core id of the control whose rights viewers borrow (the console's). */
  constructor(
    private readonly host: DisplayHostPort,
    private readonly viewer: () => number,
    private readonly opts: DisplayServiceOptions,
  ) {
    this.tickets = new TicketBook(opts.now, opts.ticketTtlMs);
  }

  /**
   * The display of `endpoint` when the viewer may see it. Throws VmsigError PERM (no
   * OBSERVE, or the console control is not attached), GRANT (not in its grant), NOENT (no
   * such VM, or no display now).
   */
  admit(endpoint: number): VncTarget {
    const control = this.host.core.control(this.viewer());
    if (!control || control.detached)
      throw new VmsigError(ErrorCode.PERM, 'the console control is not attached');
    if ((control.spec.caps & Cap.OBSERVE) === 0)
      throw new VmsigError(ErrorCode.PERM, `control "${control.spec.name}" lacks OBSERVE`);
    if (!maskHas(control.spec.grant, endpoint))
      throw new VmsigError(ErrorCode.GRANT, `VM ${endpoint} is not in the grant of "${control.spec.name}"`);
    const vm = this.host.vms().find((v) => v.id === endpoint);
    if (!vm) throw new VmsigError(ErrorCode.NOENT, `no VM ${endpoint}`);
    if (!vm.vnc) throw new VmsigError(ErrorCode.NOENT, `VM ${endpoint} has no display now`);
    return vm.vnc;
  }

  /** Admits `endpoint` (throws as admit) and tells whether its pointer input can work. */
  async grant(endpoint: number): Promise<DisplayGrant> {
    this.admit(endpoint);
    return { pointer: (await this.host.pointerStatus?.(endpoint)) ?? 'unknown' };
  }

  /** A one-time ticket for `endpoint`, after admission, with its pointer status. Throws as admit. */
  async ticket(endpoint: number): Promise<DisplayTicket> {
    const grant = await this.grant(endpoint);
    const t = this.tickets.mint(endpoint);
    return {
      ...grant,
      ticket: t.ticket,
      expiresInMs: Math.max(0, t.expiresAtMs - (this.opts.now ?? Date.now)()),
    };
  }

  /** Spends `ticket`; true when it was valid for `endpoint`. */
  redeem(ticket: string, endpoint: number): boolean {
    return this.tickets.redeem(ticket, endpoint);
  }

  /**
   * Admits (again: rights may have changed since the ticket), opens the VNC and relays
   * `channel` until either end closes. Failures close the channel with the reason; never throws.
   */
  async open(channel: ViewerChannel, endpoint: number): Promise<void> {
    const label = `VM ${endpoint}`;
    try {
      if (this.sessions.size >= MAX_RELAYS)
        throw new VmsigError(ErrorCode.BUSY, `already ${MAX_RELAYS} screens open: close one first`);
      const vnc = await openVnc(this.admit(endpoint));
      const session = runRelay(channel, vnc, {
        log: this.opts.log,
        label,
        highWater: this.opts.highWater,
        lowWater: this.opts.lowWater,
      });
      this.sessions.set(session, endpoint);
      this.watch();
      void session.closed.then(() => {
        this.sessions.delete(session);
        this.watch();
      });
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      this.opts.log('warn', `display relay ${label}: ${why}`);
      channel.close(why);
    }
  }

  /** PNG of `endpoint`'s display, under the same admission as a viewer. Rejects like admit and captureScreenshot. */
  async screenshot(endpoint: number): Promise<Buffer> {
    return captureScreenshot(this.admit(endpoint));
  }

  /**
   * While relays run, admission is checked again every second: a VM removed or stopped, or
   * a console control gone, ends its viewers instead of leaving a screen open past its rights.
   */
  private watch(): void {
    if (this.sessions.size > 0 && !this.recheck) {
      this.recheck = setInterval(() => this.readmit(), RECHECK_MS);
      this.recheck.unref?.();
    } else if (this.sessions.size === 0 && this.recheck) {
      clearInterval(this.recheck);
      this.recheck = null;
    }
  }

  private readmit(): void {
    for (const [session, endpoint] of this.sessions) {
      try {
        this.admit(endpoint);
      } catch (e) {
        session.close(`no longer admitted: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  /** Relays running now. */
  get active(): number {
    return this.sessions.size;
  }

  /** Closes every relay (shell shutdown). */
  closeAll(): void {
    for (const s of this.sessions.keys()) s.close('the host is stopping');
  }
}
