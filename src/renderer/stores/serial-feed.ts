/*
 * Feeds a serial pane: polls `serial.read` for a VM (four times a second while the pane is
 * open), hands new bytes on in order and says when QEMU was restarted (offsets begin again)
 * or output was rotated away before it was read. Polling, not a push channel: the pane is
 * one VM at a time and a quarter second is live enough for a console.
 */
import { getApi } from '../api';

/** What a feed reports. */
export interface SerialFeedSink {
  /** New output, in order. */
  data(bytes: Uint8Array): void;
  /** A new QEMU run began (the pane clears), or null: no QEMU runs now. */
  run(run: number | null): void;
  /** Output between two reads was rotated away on the host before it was read. */
  gap(bytes: number): void;
}

const POLL_MS = 250;
/** The host's largest answer: a full one means more is waiting. */
const SERIAL_CHUNK = 256 * 1024;

function decode(base64: string): Uint8Array {
  const bin = atob(base64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Starts feeding `sink` with VM `id`'s serial output from its start; returns the disposer. */
export function openSerialFeed(id: number, sink: SerialFeedSink): () => void {
  let stopped = false;
  let since = 0;
  let run: number | null | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async (): Promise<void> => {
    const r = await getApi().invoke('serial.read', { id, since });
    if (stopped) return;
    let more = false;
    if (r.ok) {
      const v = r.value;
      if (v.run !== run) {
        // A new QEMU (or none): its offsets start at 0, so read it again from there.
        run = v.run;
        since = 0;
        sink.run(v.run);
        timer = setTimeout(() => void tick(), v.run === null ? POLL_MS : 0);
        return;
      }
      if (v.start > since) sink.gap(v.start - since);
      if (v.base64) sink.data(decode(v.base64));
      more = v.next - v.start >= SERIAL_CHUNK;
      since = v.next;
    }
    timer = setTimeout(() => void tick(), more ? 0 : POLL_MS);
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
