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
import type { AdapterPort, Core } from '../../core';
import type { Log } from '../../core/ports';
import type { Disposer } from '../qmp';
import { describeFailure, qmpFailureCode } from './qmp-ack';
import { reportSeam } from './seam-report';
import type { VmLink } from './vm-link';
import { stateFromEvent, stateFromRunState } from './vm-state';

const QMP_COMMAND: Record<number, string> = {
  [VmOp.CONT]: 'cont',
  [VmOp.STOP]: 'stop',
  [VmOp.RESET]: 'system_reset',
  [VmOp.POWERDOWN]: 'system_powerdown',
};

/** The VMHOST adapter of one endpoint. */
export class VmHostAdapter {
  private readonly port: AdapterPort;
  private readonly disposers: Disposer[] = [];
  private disposed = false;

  /** Registers the seam with the core (throws when the endpoint is undeclared or the seam owned). */
  constructor(
    core: Core,
    private readonly endpoint: number,
    name: string,
    private readonly link: VmLink,
    private readonly log: Log,
  ) {
    this.port = core.registerAdapter({
      source: Source.VMHOST,
      endpoint,
      defaultPrio: Prio.NORMAL,
      codec: Codec.VMHOST,
      handle: (cmd) => this.handle(cmd),
    });
    let lastState: VmState | undefined;
    this.disposers.push(
      link.qmp.onEvent('*', (ev) => {
        const st = stateFromEvent(ev.event, ev.data);
        // Under -no-shutdown QEMU halts a machine that shut down with a STOP: not a pause.
        if (ev.event === 'STOP' && lastState === VmState.SHUTDOWN) return;
        if (st && link.up) {
          lastState = st.state;
          this.port.emit({ kind: Kind.VM_LIFECYCLE, inln: encodeVmState(st) });
          // RESET is a moment, not a state: the machine runs on (or stays paused), and no
          // other event says so, so the state after it comes from query-status.
          if (ev.event === 'RESET')
            this.publishStatus().catch((e: unknown) =>
              this.log('warn', describeFailure(`vmhost ${endpoint}: query-status after reset`, e)),
            );
        }
      }),
      reportSeam(this.port, Source.VMHOST, Codec.VMHOST, name, link, (status) => {
        if (status.up)
          this.publishStatus().catch((e: unknown) =>
            this.log('warn', describeFailure(`vmhost ${endpoint}: query-status at seam up`, e)),
          );
        // Without QMP nobody knows the VM's state: say so, so replay never shows a stale RUNNING.
        else
          this.port.emit({
            kind: Kind.VM_LIFECYCLE,
            inln: encodeVmState({ state: VmState.UNKNOWN, detail: 0 }),
          });
      }),
    );
  }

  /** Unregisters the seam (the core reports it down, CLOSED). */
  dispose(): void {
    if (this.disposed) return;
    if (this.link.up)
      this.port.emit({ kind: Kind.VM_LIFECYCLE, inln: encodeVmState({ state: VmState.UNKNOWN, detail: 0 }) });
    this.disposed = true;
    for (const d of this.disposers.splice(0)) d();
    this.port.unregister();
  }

  private handle(cmd: VmsigEvent): void {
    if (cmd.kind !== Kind.CMD_VM) {
      this.port.ack(cmd, ErrorCode.KIND);
      return;
    }
    const { op } = decodeOp(cmd.inln);
    const run = this.run(op);
    if (!run) {
      this.port.ack(cmd, ErrorCode.INVAL);
      return;
    }
    run.then(
      (detail) => this.ack(cmd, ErrorCode.OK, detail),
      (e: unknown) => {
        this.log('warn', describeFailure(`vmhost ${this.endpoint}: CMD_VM op ${op}`, e));
        this.ack(cmd, qmpFailureCode(e));
      },
    );
  }

  /** Acks unless the seam was given up meanwhile (then the core has no one to route it for us). */
  private ack(cmd: VmsigEvent, err: number, detail = 0): void {
    if (!this.disposed) this.port.ack(cmd, err, detail);
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
    if (!this.disposed)
      this.port.emit({ kind: Kind.VM_LIFECYCLE, inln: encodeVmState({ state, detail: 0 }) });
    return state;
  }
}
