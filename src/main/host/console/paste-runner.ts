/*
 * The console's "paste as keystrokes": text turned into key steps on a VM's keyboard layout
 * and played by the macro player (CMD_INPUT under the console control's INPUT lease, each
 * event waiting for its ACT_ACK, what the VM held released first, every key released on a
 * cancel or a refusal). Nothing bypasses the core.
 */
import type { CommandReply, InputRequest } from '../../../shared/ipc';
import type { MacroStep } from '../../../shared/macros';
import { MacroPlays, replyPort } from '../macros';
import {
  DEFAULT_LAYOUT,
  KeymapError,
  type KeyStroke,
  layoutNames,
  loadLayout,
  strokesFor,
  untypable,
} from '../keymap';

/** Sends one input command through the core and resolves with its reply (ACT_ACK). */
export type SendCommand = (req: InputRequest) => Promise<CommandReply>;
/** Asks the core what `endpoint` holds (CMD_QUERY_INPUT → INPUT_HELD). */
export type QueryHeld = (endpoint: number) => Promise<CommandReply>;

/** What a paste did. */
export interface PasteResult {
  /** Characters of the text typed in full. */
  typed: number;
  total: number;
  cancelled: boolean;
  /** ErrorCode / KeymapError code of the refusal that stopped it; '' when none. */
  err: string;
}

/** Runs pastes, at most one per VM (a macro playing there counts too). */
export class PasteRunner {
  constructor(
    private readonly send: SendCommand,
    private readonly query: QueryHeld,
    private readonly plays = new MacroPlays(),
  ) {}

  /** The distinct characters `layout` cannot type (KeymapError when the layout is unknown). */
  preview(layout: string, text: string): string[] {
    return untypable(loadLayout(layout), text);
  }

  /** Types `text` on `endpoint`; refuses (err) text the layout cannot type, or a second paste. */
  async type(endpoint: number, text: string, layout: string): Promise<PasteResult> {
    const chars = [...text.replace(/\r\n?/g, '\n').normalize('NFC')];
    const result: PasteResult = { typed: 0, total: chars.length, cancelled: false, err: '' };
    let perChar: KeyStroke[][];
    try {
      const l = loadLayout(layout);
      perChar = chars.map((ch) => strokesFor(l, ch, layout));
    } catch (e) {
      if (e instanceof KeymapError) return { ...result, err: e.code };
      throw e;
    }
    const steps: MacroStep[] = perChar.flat().map((s) => ({ delayMs: 0, code: s.code, down: s.down }));
    const played = await this.plays.play(endpoint, replyPort(endpoint, this.send, this.query), { steps }, 0);
    // A character counts as typed once its last key event was acknowledged.
    let end = 0;
    for (const strokes of perChar) {
      end += strokes.length;
      if (end > played.played) break;
      result.typed++;
    }
    return { ...result, cancelled: played.cancelled, err: played.err };
  }

  /** Stops the paste running on `endpoint` (its keys are released); false when none runs. */
  cancel(endpoint: number): boolean {
    return this.plays.cancel(endpoint);
  }
}

/** The 'input.layouts' answer: the host's layouts and the VM's own (a missing directory is `error`). */
export function layoutsFor(vmLayout: string | undefined): { names: string[]; layout: string; error: string } {
  const layout = vmLayout ?? DEFAULT_LAYOUT;
  try {
    return { names: layoutNames(), layout, error: '' };
  } catch (e) {
    if (e instanceof KeymapError) return { names: [], layout, error: e.message };
    throw e;
  }
}

/** The 'input.preview' answer: what `layout` cannot type, or why the layout cannot be used. */
export function previewPaste(
  runner: PasteRunner,
  layout: string,
  text: string,
): { untypable: string[]; error: string } {
  try {
    return { untypable: runner.preview(layout, text), error: '' };
  } catch (e) {
    if (e instanceof KeymapError) return { untypable: [], error: e.message };
    throw e;
  }
}
