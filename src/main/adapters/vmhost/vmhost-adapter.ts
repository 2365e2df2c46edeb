/*
 * The VMHOST seam of one VM: SEAM_UP/SEAM_DOWN from the shared QMP link, VM_LIFECYCLE from
 * QMP events and query-status, and CMD_VM (QUERY/CONT/STOP/RESET/POWERDOWN/QUIT) executed
 * over QMP and acknowledged with ACT_ACK once QEMU answered. It never opens its own QMP
 * connection (a second client gets no greeting) and never acks before QEMU replied.
 */
import {
  Codec,
  ErrorCode,
  Kind,
  Prio,
  Source,
  VmOp,
  VmState,
  type VmsigEvent,
  decodeOp,
  encodeVmState,
} from '../../../shared/model';
import type { Core } from '../../core';
import type { Log } from '../../core/ports';
import { SeamLifecycle, type VmLink } from '../link';
import { stateFromEvent, stateFromRunState } from './vm-state';

const QMP_COMMAND: Record<number, string> = {
  [VmOp.CONT]: 'cont',
  [VmOp.STOP]: 'stop',
  [VmOp.RESET]: 'system_reset',
  [VmOp.POWERDOWN]: 'system_powerdown',
};

/** The VMHOST adapter of one endpoint. */
export class VmHostAdapter {
  private readonly seam: SeamLifecycle;

  /** Registers the seam with the core (throws when the endpoint is undeclared or the seam owned). */
  constructor(
    core: Core,
    endpoint: number,
    name: string,
    private readonly link: VmLink,
    log: Log,
  ) {
    this.seam = new SeamLifecycle(core, {
      source: Source.VMHOST,
      codec: Codec.VMHOST,
      defaultPrio: Prio.NORMAL,
      endpoint,
      name,
      link,
      log,
      commands: { [Kind.CMD_VM]: (cmd) => this.vm(cmd) },
      // The seam goes away with the VM's state still known to it: say it is no longer known.
      beforeDispose: () => {
        if (this.link.up) this.emitState(VmState.UNKNOWN);
      },
    });
    let lastState: VmState | undefined;
    this.seam.own(
      link.qmp.onEvent('*', (ev) => {
        const st = stateFromEvent(ev.event, ev.data);
        // Under -no-shutdown QEMU halts a machine that shut down with a STOP: not a pause.
        if (ev.event === 'STOP' && lastState === VmState.SHUTDOWN) return;
        if (st && link.up) {
          lastState = st.state;
          this.seam.emit({ kind: Kind.VM_LIFECYCLE, inln: encodeVmState(st) });
          // RESET is a moment, not a state: the machine runs on (or stays paused), and no
          // other event says so, so the state after it comes from query-status.
          if (ev.event === 'RESET')
            this.publishStatus().catch((e: unknown) => this.seam.warn('query-status after reset', e));
        }
      }),
    );
    this.seam.report((status) => {
      if (status.up) this.publishStatus().catch((e: unknown) => this.seam.warn('query-status at seam up', e));
      // Without QMP nobody knows the VM's state: say so, so replay never shows a stale RUNNING.
      else this.emitState(VmState.UNKNOWN);
    });
  }

  /** Unregisters the seam (the core reports it down, CLOSED). */
  dispose(): void {
    this.seam.dispose();
  }

  private vm(cmd: VmsigEvent): void {
    const { op } = decodeOp(cmd.inln);
    const run = this.run(op);
    if (!run) return this.seam.ack(cmd, ErrorCode.INVAL);
    run.then(
      (detail) => this.seam.ack(cmd, ErrorCode.OK, detail),
      (e: unknown) => this.seam.fail(cmd, `CMD_VM op ${op}`, e),
    );
  }

  /** Executes an op; resolves with the ACT_ACK detail (the state for QUERY, else 0). */
  private run(op: number): Promise<number> | undefined {
    if (op === VmOp.QUERY) return this.publishStatus();
    if (op === VmOp.QUIT) return this.link.qmp.quit().then(() => 0);
    const command = QMP_COMMAND[op];
    return command === undefined ? undefined : this.link.qmp.execute(command).then(() => 0);
  }

  /** Asks query-status and emits VM_LIFECYCLE with the state; resolves with the state. */
  private async publishStatus(): Promise<number> {
    const status = await this.link.qmp.execute<{ status: string }>('query-status');
    const state = stateFromRunState(status.status);
    this.emitState(state);
    return state;
  }

  private emitState(state: VmState): void {
    this.seam.emit({ kind: Kind.VM_LIFECYCLE, inln: encodeVmState({ state, detail: 0 }) });
  }
}
