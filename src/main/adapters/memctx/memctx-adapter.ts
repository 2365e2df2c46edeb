/*
 * The MEMCTX seam of one VM: publishes MEMCTX (epoch, kcr3, RAM size, segments, RAM path)
 * when the VM runs with paging on, MEMCTX_INVALIDATED on reset, shutdown, seam loss or a
 * changed context, and executes CMD_MEMWRITE under the published context. A write that
 * spans pages is done with the vCPUs stopped, so the guest never sees it half done; a
 * write within one page is one pwrite (a vCPU reading those very bytes at that instant
 * could see a torn copy, as with DMA). Only the `pc` machine's RAM layout is known.
 * It shares the VM's QMP link and never writes outside the extent check's chunks.
 */
import {
  Codec,
  ErrorCode,
  InvalidateReason,
  Kind,
  MEMWRITE_INLINE,
  MEMWRITE_MAX,
  MemWriteFlag,
  PayloadFlag,
  Prio,
  Source,
  type VmsigEvent,
  decodeMemWrite,
  encodeMemCtx,
  encodeMemCtxInvalidated,
  encodeMemCtxPayload,
  isVmsigError,
} from '../../../shared/model';
import type { Core } from '../../core';
import type { Log } from '../../core/ports';
import { SeamLifecycle, type VmLink, qmpFailureCode } from '../link';
import { isQmpError } from '../qmp';
import { type GuestContext, contextHolds, readContext } from './guest-context';
import { planWrite } from './memwrite-plan';
import { RamFile } from './ram-file';

/** Polling of the context: while none is published, and while one is (to notice a change). */
export interface MemctxTiming {
  seekMs?: number;
  watchMs?: number;
}

/** The MEMCTX adapter of one endpoint. */
export class MemctxAdapter {
  private readonly seam: SeamLifecycle;
  private ram: RamFile | undefined;
  private ctx: GuestContext | undefined;
  private epoch = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private polling = false;
  /** Memory writes run one after another: a stop/cont of one never interleaves another. */
  private writes: Promise<void> = Promise.resolve();

  /** Registers the seam with the core (throws when the endpoint is undeclared or the seam owned). */
  constructor(
    core: Core,
    private readonly endpoint: number,
    name: string,
    private readonly ramPath: string,
    private readonly link: VmLink,
    private readonly log: Log,
    private readonly timing: MemctxTiming = {},
  ) {
    this.seam = new SeamLifecycle(core, {
      source: Source.MEMCTX,
      codec: Codec.MEMCTX,
      defaultPrio: Prio.NORMAL,
      endpoint,
      name,
      link,
      log,
      commands: { [Kind.CMD_MEMWRITE]: (cmd) => this.memwrite(cmd) },
      // The core would otherwise replay this context to new subscribers after the seam is gone.
      beforeDispose: () => this.invalidate(InvalidateReason.SEAM_DOWN),
    });
    this.seam.own(
      link.qmp.onEvent('RESET', () => this.invalidate(InvalidateReason.RESET)),
      link.qmp.onEvent('SHUTDOWN', () => this.invalidate(InvalidateReason.SHUTDOWN)),
    );
    this.seam.report((status) => {
      if (status.up) return this.schedule(0);
      this.invalidate(InvalidateReason.SEAM_DOWN);
      this.ram?.close();
      this.ram = undefined;
    });
  }

  /** The epoch of the published context, or undefined while none is valid. */
  get currentEpoch(): number | undefined {
    return this.ctx ? this.epoch : undefined;
  }

  /** Stops polling, closes the RAM file and unregisters the seam. */
  dispose(): void {
    if (this.seam.disposed) return;
    this.seam.dispose();
    clearTimeout(this.timer);
    this.ram?.close();
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    if (!this.seam.disposed) this.timer = setTimeout(() => void this.poll(), ms);
  }

  /** Seeks a context while none is valid; watches the published one for a change. */
  private async poll(): Promise<void> {
    if (this.seam.disposed || this.polling || !this.link.up) return;
    this.polling = true;
    try {
      this.ram ??= RamFile.open(this.ramPath);
      if (this.ctx && !contextHolds(this.ram, this.ctx)) this.invalidate(InvalidateReason.CONTEXT_CHANGED);
      if (!this.ctx) await this.seek(this.ram);
    } catch (e) {
      // A poll cut short by the link going down is expected; the seam report says so.
      const expected =
        this.seam.disposed || !this.link.up || isQmpError(e, 'closed') || isQmpError(e, 'state');
      this.seam.warn('context poll', e, expected ? 'debug' : 'warn');
    } finally {
      this.polling = false;
      if (this.link.up) this.schedule(this.ctx ? (this.timing.watchMs ?? 1000) : (this.timing.seekMs ?? 250));
    }
  }

  private async seek(ram: RamFile): Promise<void> {
    // After a reset or shutdown, only a running VM gets a new context.
    const { status } = await this.link.qmp.execute<{ status: string }>('query-status');
    if (status !== 'running') return;
    const ctx = await readContext(this.link.qmp, ram);
    if (!ctx || this.seam.disposed || !this.link.up) return;
    this.ctx = ctx;
    this.epoch++;
    this.seam.emit({
      kind: Kind.MEMCTX,
      inln: encodeMemCtx({
        epoch: this.epoch,
        nseg: ram.segments.length,
        kcr3: ctx.kcr3,
        ramSize: ram.size,
        levels: ctx.levels,
        flags: 0,
      }),
      payload: {
        bytes: encodeMemCtxPayload(ram.segments, ram.path),
        codec: Codec.MEMCTX,
        flags: PayloadFlag.OWNED,
      },
    });
    this.log(
      'info',
      `memctx ${this.endpoint}: epoch ${this.epoch}, kcr3 0x${ctx.kcr3.toString(16)}, ${ctx.levels}-level`,
    );
  }

  private invalidate(reason: number): void {
    if (!this.ctx || this.seam.disposed) return;
    this.ctx = undefined;
    this.seam.emit({
      kind: Kind.MEMCTX_INVALIDATED,
      inln: encodeMemCtxInvalidated({ epoch: this.epoch, reason }),
    });
    if (this.link.up) this.schedule(this.timing.seekMs ?? 250);
  }

  private memwrite(cmd: VmsigEvent): void {
    const mw = decodeMemWrite(cmd.inln);
    const inline = mw.flags === MemWriteFlag.SRC_INLINE;
    const viaPayload = mw.flags === MemWriteFlag.SRC_PAYLOAD;
    const valid =
      mw.len >= 1 &&
      mw.len <= MEMWRITE_MAX &&
      ((inline && mw.len <= MEMWRITE_INLINE) || (viaPayload && cmd.payload?.bytes.length === mw.len));
    if (!valid) return this.seam.ack(cmd, ErrorCode.INVAL);
    // The core releases the payload when handle() returns: copy the bytes now.
    const data = inline ? mw.inlineData.slice(0, mw.len) : Uint8Array.from(cmd.payload!.bytes);
    this.writes = this.writes.then(() => this.write(cmd, mw.gva, data));
  }

  private async write(cmd: VmsigEvent, gva: bigint, data: Uint8Array): Promise<void> {
    try {
      const ram = this.ram;
      const ctx = this.ctx;
      if (!ram || !ctx || !contextHolds(ram, ctx)) {
        if (ctx) this.invalidate(InvalidateReason.CONTEXT_CHANGED);
        return this.seam.ack(cmd, ErrorCode.BUSY);
      }
      let plan = planWrite(ram, ram.segments, ctx.kcr3, ctx.levels, gva, data);
      if (!plan.ok) {
        this.log('info', `memctx ${this.endpoint}: write refused: ${plan.why}`);
        return this.seam.ack(cmd, plan.err);
      }
      if (plan.chunks.length === 1) {
        ram.write(plan.chunks);
        return this.seam.ack(cmd, ErrorCode.OK, data.length);
      }
      const { status } = await this.link.qmp.execute<{ status: string }>('query-status');
      const wasRunning = status === 'running';
      if (wasRunning) await this.link.qmp.execute('stop');
      try {
        // Planned again with the vCPUs stopped: the page tables cannot move under the write.
        plan = planWrite(ram, ram.segments, ctx.kcr3, ctx.levels, gva, data);
        if (plan.ok) ram.write(plan.chunks);
      } finally {
        if (wasRunning) await this.link.qmp.execute('cont');
      }
      this.seam.ack(cmd, plan.ok ? ErrorCode.OK : plan.err, plan.ok ? data.length : 0);
    } catch (e) {
      this.seam.fail(cmd, 'memory write', e, isQmpError(e) || !isVmsigError(e) ? qmpFailureCode(e) : e.code);
    }
  }
}
