/*
 * The lifecycle every seam adapter of a VM shares: it claims the seam with the core, reports
 * it up and down as the VM's link goes (SEAM_UP / SEAM_DOWN with the display name, §9),
 * hands each command kind to its handler (ACT_ACK KIND for any other), and once disposed
 * drops every ack, reply and emit: the core no longer routes for a seam it gave up. It never
 * talks QMP itself.
 */
import {
  ErrorCode,
  Kind,
  PayloadFlag,
  SeamReason,
  Source,
  encodeSeam,
  nameOf,
  utf8Encode,
  type EventInit,
  type Prio,
  type VmsigEvent,
} from '../../../shared/model';
import type { AdapterPort, Core } from '../../core';
import type { Log } from '../../core/ports';
import type { Disposer } from '../qmp';
import { describeFailure, qmpFailureCode } from './qmp-ack';
import type { LinkStatus, VmLink } from './vm-link';

/** What a seam reads of the VM's link: its status now and its changes. */
export type SeamLink = Pick<VmLink, 'status' | 'onChange'>;

/** One adapter's seam: the core's claim, the link it follows and the commands it executes. */
export interface SeamSpec {
  source: Source;
  codec: number;
  defaultPrio: Prio;
  endpoint: number;
  /** Display name: the SEAM_UP / SEAM_DOWN payload. */
  name: string;
  link: SeamLink;
  log: Log;
  /** Handlers by command kind; each runs while the core holds the command (copy its payload). */
  commands: Partial<Record<number, (cmd: VmsigEvent) => void>>;
  /** Runs once at dispose, before the seam is given up, while it can still emit (last words). */
  beforeDispose?: () => void;
}

/** A registered seam; see the module comment. */
export class SeamLifecycle {
  private readonly port: AdapterPort;
  private readonly disposers: Disposer[] = [];
  private isDisposed = false;
  /** Names the seam in logs: "vmhost 3". */
  private readonly label: string;

  /** Registers the seam with the core (throws when the endpoint is undeclared or the seam owned). */
  constructor(
    core: Core,
    private readonly spec: SeamSpec,
  ) {
    this.label = `${nameOf(Source, spec.source).toLowerCase()} ${spec.endpoint}`;
    this.port = core.registerAdapter({
      source: spec.source,
      endpoint: spec.endpoint,
      defaultPrio: spec.defaultPrio,
      codec: spec.codec,
      handle: (cmd) => this.route(cmd),
    });
  }

  /** True once dispose() ran: the adapter's timers and queued work should stop. */
  get disposed(): boolean {
    return this.isDisposed;
  }

  /**
   * Reports the seam's state now (SEAM_UP when the link is up, else SEAM_DOWN with its
   * reason) and at every change until dispose; `onStatus` runs after each report. Call it
   * once, when the adapter is ready for `onStatus`.
   */
  report(onStatus?: (status: LinkStatus) => void): void {
    const nameBytes = utf8Encode(this.spec.name);
    const { source: seam, codec } = this.spec;
    const report = (status: LinkStatus): void => {
      this.port.emit({
        kind: status.up ? Kind.SEAM_UP : Kind.SEAM_DOWN,
        inln: encodeSeam({ seam, reason: status.up ? SeamReason.NORMAL : status.reason }),
        payload: { bytes: nameBytes, codec, flags: PayloadFlag.OWNED },
      });
      onStatus?.(status);
    };
    report(this.spec.link.status);
    this.own(this.spec.link.onChange(report));
  }

  /** Keeps disposers (listeners, timers) to run at dispose, in the order given. */
  own(...disposers: Disposer[]): void {
    this.disposers.push(...disposers);
  }

  /** Emits an event from the seam, unless disposed. */
  emit(init: EventInit): void {
    if (!this.isDisposed) this.port.emit(init);
  }

  /** Replies to a command's origin, unless disposed. */
  reply(cmd: VmsigEvent, init: EventInit): void {
    if (!this.isDisposed) this.port.reply(cmd, init);
  }

  /** Acks a command (ACT_ACK with `err` and `detail`), unless disposed. */
  ack(cmd: VmsigEvent, err: number, detail = 0): void {
    if (!this.isDisposed) this.port.ack(cmd, err, detail);
  }

  /** Logs a failure at `level`, naming the seam: "vmhost 3: query-status failed: …". */
  warn(what: string, e: unknown, level: 'warn' | 'debug' = 'warn'): void {
    this.spec.log(level, describeFailure(`${this.label}: ${what}`, e));
  }

  /** Logs a failed command and acks it with `code` (by default the QMP failure's code). */
  fail(cmd: VmsigEvent, what: string, e: unknown, code = qmpFailureCode(e)): void {
    this.warn(what, e);
    this.ack(cmd, code);
  }

  /** Says its last words, runs the disposers and gives the seam up (reported down, CLOSED). Idempotent. */
  dispose(): void {
    if (this.isDisposed) return;
    this.spec.beforeDispose?.();
    this.isDisposed = true;
    for (const d of this.disposers.splice(0)) d();
    this.port.unregister();
  }

  private route(cmd: VmsigEvent): void {
    const handler = this.spec.commands[cmd.kind];
    if (handler) handler(cmd);
    else this.ack(cmd, ErrorCode.KIND);
  }
}
