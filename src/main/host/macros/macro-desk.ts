/*
 * The console's macros: the 'macro.*' invoke channels over the store and the shared player,
 * with the player's commands carried by the console control (through Core.submit, as
 * CMD_INPUT under its INPUT lease, so they are gated and journaled like any input).
 */
import type { CommandReply, InputRequest, InvokeRequest, InvokeResponse } from '../../../shared/ipc';
import { MacroStore } from './macro-store';
import { type HeldEntry, MacroPlays, type PlayerPort } from './macro-player';

/** Sends one CMD_INPUT as the console and resolves with its reply (ACT_ACK). */
export type SendInputCommand = (req: InputRequest) => Promise<CommandReply>;
/** CMD_QUERY_INPUT as the console → INPUT_HELD. */
export type QueryHeldCommand = (endpoint: number) => Promise<CommandReply>;

/** A PlayerPort over the console's replies ('' for an ACT_ACK ok, else its error name). */
export function replyPort(endpoint: number, send: SendInputCommand, query: QueryHeldCommand): PlayerPort {
  return {
    send: async (type, code, down) => {
      const r = await send({ endpoint, type, code, down });
      return r.ok ? '' : r.err || r.kind;
    },
    held: async () => {
      const r = await query(endpoint);
      if (!r.ok) return { err: r.err || r.kind, entries: [] };
      const entries = ((r.fields.held as string[] | undefined) ?? []).map((h): HeldEntry => {
        const [kind, code] = h.split(':');
        return { type: kind === 'BTN' ? 'button' : 'key', code: Number(code) };
      });
      return { err: '', entries };
    },
  };
}

/** Serves the macro channels; every failure is a MacroError (a VmsigError) the service turns into {code, message}. */
export class MacroDesk {
  constructor(
    private readonly send: SendInputCommand,
    private readonly query: QueryHeldCommand,
    readonly store = new MacroStore(),
    /** Shared with the console's paste, so a macro and a paste never type on one VM at once. */
    private readonly plays = new MacroPlays(),
  ) {}

  list(): InvokeResponse<'macro.list'> {
    return { ...this.store.list(), dir: this.store.dir };
  }

  save(r: InvokeRequest<'macro.save'>): InvokeResponse<'macro.save'> {
    this.store.save(r);
    return { name: r.name };
  }

  async play(r: InvokeRequest<'macro.play'>): Promise<InvokeResponse<'macro.play'>> {
    const macro = this.store.load(r.name);
    const { played, total, cancelled, err } = await this.plays.play(
      r.endpoint,
      replyPort(r.endpoint, this.send, this.query),
      macro,
      r.speed,
    );
    return { played, total, cancelled, err };
  }

  cancel(r: InvokeRequest<'macro.cancel'>): InvokeResponse<'macro.cancel'> {
    return { cancelled: this.plays.cancel(r.endpoint) };
  }
}
