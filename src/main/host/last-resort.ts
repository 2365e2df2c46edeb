/*
 * The host's last line of defence: an exception or a rejection that nothing caught is
 * logged, the managed VMs are stopped cleanly (their runtime files removed) and the
 * process exits non-zero — instead of dying at once and leaving QEMUs running with their
 * files. It never lets a failed process carry on serving.
 */
import type { Log } from '../core';

/** Exit status after an uncaught failure (EX_SOFTWARE). */
export const LAST_RESORT_EXIT = 70;

/** What the handler needs from its shell. */
export interface LastResortOptions {
  log: Log;
  /** Stops whatever is running (web host, VMs, control socket); called once. */
  stop(): Promise<void>;
  /** Default process.exit. */
  exit?: (code: number) => void;
  /** How long stop() may take before the process exits anyway (default 15 s). */
  timeoutMs?: number;
}

/**
 * Installs the process-wide handlers for uncaughtException and unhandledRejection; the
 * first failure starts the stop and exit, later ones are only logged. Returns the
 * function that removes the handlers (for a clean, orderly stop).
 */
export function installLastResort(o: LastResortOptions): () => void {
  const exit = o.exit ?? ((code: number) => process.exit(code));
  let handling = false;
  const onFatal = (what: string, e: unknown): void => {
    const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
    if (handling) {
      o.log('error', `${what} while stopping: ${text}`);
      return;
    }
    handling = true;
    o.log('error', `${what}: ${text}`);
    o.log('error', 'stopping the VMs and exiting after an unexpected failure');
    const timer = setTimeout(() => {
      o.log('error', `stop did not finish within ${o.timeoutMs ?? 15_000} ms; exiting anyway`);
      exit(LAST_RESORT_EXIT);
    }, o.timeoutMs ?? 15_000);
    o.stop()
      .catch((err: unknown) => o.log('error', `stopping after the failure failed: ${String(err)}`))
      .finally(() => {
        clearTimeout(timer);
        exit(LAST_RESORT_EXIT);
      });
  };
  const onException = (e: Error): void => onFatal('uncaught exception', e);
  const onRejection = (e: unknown): void => onFatal('unhandled rejection', e);
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}
