/*
 * Paste as keystrokes and macros on VMs of other fleet hosts: the local paste's runner and
 * macro player (layout, per-VM lock, release on cancel or refusal), one per host, whose key events go as
 * CMD_INPUT in the console's session with that host's core, each waiting for its ACT_ACK
 * there. That host's core decides every key (caps, grant, INPUT lease), as for its own.
 */
import type { CommandReply, InputRequest } from '../../shared/ipc';
import type { Macro } from '../../shared/macros';
import { MacroPlays, type PlayResult, type PlaySpeed, type PlayerPort, replyPort } from '../host/macros';
import { ErrorCode, VmsigError, type VmsigEvent } from '../../shared/model';
import { inputEvents, queryInputEvent } from '../host/console/command-events';
import { type PasteResult, PasteRunner } from '../host/console/paste-runner';

type PortFor = (endpoint: number) => PlayerPort;

/** A command to `host`'s core in the console's session there, resolved with its reply. */
export type RemoteCommand = (host: string, ev: VmsigEvent) => Promise<CommandReply>;

/** The console's pastes and macros on other hosts' VMs (at most one of them per VM, as locally). */
export class RemotePastes {
  /** Per host, since VM ids are per host: VM 1 of A and VM 1 of B may each have a paste. */
  private readonly runners = new Map<string, { paste: PasteRunner; plays: MacroPlays; port: PortFor }>();

  constructor(
    private readonly command: RemoteCommand,
    /** Whether the fleet view knows `host` (so a renderer's made-up names add no runner). */
    private readonly known: (host: string) => boolean,
  ) {}

  /** Types `text` on `host`'s VM `endpoint`; resolves when done, cancelled or refused (`err`). */
  async type(host: string, endpoint: number, text: string, layout: string): Promise<PasteResult> {
    if (!this.known(host)) throw new VmsigError(ErrorCode.NOENT, `no fleet host "${host}" in view`);
    return this.runner(host).paste.type(endpoint, text, layout);
  }

  /** Plays `macro` on `host`'s VM `endpoint` (BUSY while a paste or macro plays there). */
  async play(
    host: string,
    endpoint: number,
    macro: Pick<Macro, 'steps'>,
    speed: PlaySpeed,
  ): Promise<PlayResult> {
    if (!this.known(host)) throw new VmsigError(ErrorCode.NOENT, `no fleet host "${host}" in view`);
    const r = this.runner(host);
    return r.plays.play(endpoint, r.port(endpoint), macro, speed);
  }

  /** Stops the paste on `host`'s VM `endpoint` (its keys are released); false when none runs. */
  cancel(host: string, endpoint: number): boolean {
    return this.runners.get(host)?.plays.cancel(endpoint) ?? false;
  }

  private runner(host: string): { paste: PasteRunner; plays: MacroPlays; port: PortFor } {
    let r = this.runners.get(host);
    if (!r) {
      const send = (req: InputRequest): Promise<CommandReply> => this.command(host, inputEvents(req, 0)[0]!);
      const query = (endpoint: number): Promise<CommandReply> =>
        this.command(host, queryInputEvent(endpoint, 0));
      // One lock per host's VMs for its pastes and macros alike, as the local console has.
      const plays = new MacroPlays();
      r = { paste: new PasteRunner(send, query, plays), plays, port: (ep) => replyPort(ep, send, query) };
      this.runners.set(host, r);
    }
    return r;
  }
}
