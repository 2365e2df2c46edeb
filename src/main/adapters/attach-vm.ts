/*
 * Attaches one VM to the core: one shared, reconnecting QMP client (QEMU greets only one
 * client at a time), its link supervisor, and the VMHOST, INPUT and (with a RAM file)
 * MEMCTX adapters of that endpoint. It never starts or stops QEMU; the launcher does.
 */
import type { Core } from '../core';
import type { Log } from '../core/ports';
import { InputAdapter } from './input';
import { MemctxAdapter } from './memctx';
import { QmpClient } from './qmp';
import { VmLink } from './link';
import { VmHostAdapter } from './vmhost';

/** What attachVm needs: the endpoint, its display name, the QMP socket and optionally the RAM file. */
export interface AttachVmOptions {
  endpoint: number;
  /** Display name: the SEAM_UP payload. */
  name: string;
  qmpPath: string;
  /**
   * Guest RAM backing file (memory-backend-file,share=on) of a `pc` machine (the segment
   * layout is computed for it); without it there is no MEMCTX seam.
   */
  ramFile?: string;
  log: Log;
  /** Heartbeat period (default 500 ms); the link is stale after 3 unanswered periods. */
  heartbeatMs?: number;
}

/** A VM attached to the core. */
export interface VmAttachment {
  /** Unregisters the adapters (their seams are reported down), stops the link, closes QMP. Idempotent. */
  detach(): Promise<void>;
  /** The shared QMP client (for tests and benchmarks; never open a second one on the socket). */
  readonly qmp: QmpClient;
}

/** Reconnect quickly after QEMU restarts: 100 ms doubling to 1 s, forever. */
const RECONNECT = { initialMs: 100, maxMs: 1000, factor: 2 };

/**
 * Attaches the VM at `opts.qmpPath` as endpoint `opts.endpoint` (declared with `opts.name`
 * when the core does not know it yet; removed again on detach only in that case). Resolves
 * after the first connection attempt; when QEMU is not there yet, the seams are reported
 * down and the link keeps retrying. Throws when a seam of the endpoint is already owned.
 */
export async function attachVm(core: Core, opts: AttachVmOptions): Promise<VmAttachment> {
  const declared = !core.endpoints().some((e) => e.id === opts.endpoint);
  if (declared) core.addEndpoint(opts.endpoint, opts.name);
  const qmp = new QmpClient({
    path: opts.qmpPath,
    log: opts.log,
    reconnect: RECONNECT,
    commandTimeoutMs: 5000,
  });
  const link = new VmLink(qmp, { log: opts.log, heartbeatMs: opts.heartbeatMs });
  const adapters: { dispose(): void }[] = [];
  try {
    adapters.push(new VmHostAdapter(core, opts.endpoint, opts.name, link, opts.log));
    adapters.push(new InputAdapter(core, opts.endpoint, opts.name, link, opts.log));
    if (opts.ramFile !== undefined)
      adapters.push(new MemctxAdapter(core, opts.endpoint, opts.name, opts.ramFile, link, opts.log));
  } catch (e) {
    for (const a of adapters) a.dispose();
    if (declared) core.removeEndpoint(opts.endpoint);
    throw e;
  }
  await link.start();
  let detaching: Promise<void> | undefined;
  return {
    qmp,
    detach: () =>
      (detaching ??= (async () => {
        for (const a of adapters.reverse()) a.dispose();
        await link.stop();
        if (declared) core.removeEndpoint(opts.endpoint);
      })()),
  };
}
