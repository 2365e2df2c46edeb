/*
 * Paste as keystrokes on VMs of other fleet hosts: the local paste's runner (layout, macro
 * player, per-VM lock, release on cancel or refusal), one per host, whose key events go as
 * CMD_INPUT in the console's session with that host's core, each waiting for its ACT_ACK
 * there. That host's core decides every key (caps, grant, INPUT lease), as for its own.
 */
import type { CommandReply } from '../../shared/ipc';
import { ErrorCode, VmsigError, type VmsigEvent } from '../../shared/model';
import { inputEvents, queryInputEvent } from '../host/console/command-events';
import { type PasteResult, PasteRunner } from '../host/console/paste-runner';

/** A command to `host`'s core in the console's session there, resolved with its reply. */
export type RemoteCommand = (host: string, ev: VmsigEvent) => Promise<CommandReply>;

/** The console's pastes on other hosts' VMs (at most one per VM, as locally). */
export class RemotePastes {
  /** Per host, since VM ids are per host: VM 1 of A and VM 1 of B may each have a paste. */
  private readonly runners = new Map<string, PasteRunner>();

  constructor(
    private readonly command: RemoteCommand,
    /** Whether the fleet view knows `host` (so a renderer's made-up names add no runner). */
    private readonly known: (host: string) => boolean,
  ) {}

  /** Types `text` on `host`'s VM `endpoint`; resolves when done, cancelled or refused (`err`). */
  async type(host: string, endpoint: number, text: string, layout: string): Promise<PasteResult> {
    if (!this.known(host)) throw new VmsigError(ErrorCode.NOENT, `no fleet host "${host}" in view`);
    return this.runner(host).type(endpoint, text, layout);
  }

  /** Stops the paste on `host`'s VM `endpoint` (its keys are released); false when none runs. */
  cancel(host: string, endpoint: number): boolean {
    return this.runners.get(host)?.cancel(endpoint) ?? false;
  }

  private runner(host: string): PasteRunner {
    let r = this.runners.get(host);
    if (!r) {
      r = new PasteRunner(
        (req) => this.command(host, inputEvents(req, 0)[0]!),
        (endpoint) => this.command(host, queryInputEvent(endpoint, 0)),
      );
      this.runners.set(host, r);
    }
    return r;
  }
}
