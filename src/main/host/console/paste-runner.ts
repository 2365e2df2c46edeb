/*
 * The console's "paste as keystrokes": text typed on a VM's keyboard layout as CMD_INPUT
 * under the console control's INPUT lease, one event at a time, each waiting for its
 * ACT_ACK (so the bounded input lane never answers BUSY). It releases what the VM held
 * first, and a cancel (or a refusal) stops it and releases every key. Nothing bypasses the core.
 */
import type { CommandReply, InputRequest } from '../../../shared/ipc';
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

const held = (r: CommandReply): { type: 'key' | 'button'; code: number }[] =>
  ((r.fields.held as string[] | undefined) ?? []).map((h) => {
    const [kind, code] = h.split(':');
    return { type: kind === 'BTN' ? 'button' : 'key', code: Number(code) };
  });

/** Runs pastes, at most one per VM. */
export class PasteRunner {
  private readonly running = new Map<number, { cancelled: boolean }>();

  constructor(
    private readonly send: SendCommand,
    private readonly query: QueryHeld,
  ) {}

  /** The distinct characters `layout` cannot type (KeymapError when the layout is unknown). */
  preview(layout: string, text: string): string[] {
    return untypable(loadLayout(layout), text);
  }

  /** Types `text` on `endpoint`; refuses (err) text the layout cannot type, or a second paste. */
  async type(endpoint: number, text: string, layout: string): Promise<PasteResult> {
    const chars = [...text.replace(/\r\n?/g, '\n').normalize('NFC')];
    const result: PasteResult = { typed: 0, total: chars.length, cancelled: false, err: '' };
    if (this.running.has(endpoint)) return { ...result, err: 'BUSY' };
    let perChar: KeyStroke[][];
    try {
      const l = loadLayout(layout);
      perChar = chars.map((ch) => strokesFor(l, ch, layout));
    } catch (e) {
      if (e instanceof KeymapError) return { ...result, err: e.code };
      throw e;
    }
    const run = { cancelled: false };
    this.running.set(endpoint, run);
    const down = new Set<number>();
    try {
      const err = await this.releaseHeld(endpoint);
      if (err) return { ...result, err };
      for (const strokes of perChar) {
        for (const s of strokes) {
          if (run.cancelled) return { ...result, cancelled: true };
          const r = await this.send({ endpoint, type: 'key', code: s.code, down: s.down });
          if (!r.ok) return { ...result, err: r.err };
          if (s.down) down.add(s.code);
          else down.delete(s.code);
        }
        result.typed++;
      }
      return result;
    } finally {
      this.running.delete(endpoint);
      // Cancelled or refused mid-chord: let go of what this paste pressed (refusals ignored:
      // without the lease the next holder releases them).
      for (const code of [...down].reverse())
        await this.send({ endpoint, type: 'key', code, down: false }).catch(() => undefined);
    }
  }

  /** Stops the paste running on `endpoint` (its keys are released); false when none runs. */
  cancel(endpoint: number): boolean {
    const run = this.running.get(endpoint);
    if (run) run.cancelled = true;
    return run !== undefined;
  }

  private async releaseHeld(endpoint: number): Promise<string> {
    const q = await this.query(endpoint);
    if (!q.ok) return q.err;
    for (const h of held(q)) {
      const r = await this.send({ endpoint, ...h, down: false });
      if (!r.ok) return r.err;
    }
    return '';
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
