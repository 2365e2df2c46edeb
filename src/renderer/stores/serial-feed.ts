/*
 * Feeds a serial pane: reads a VM's scrollback with `serial.read`, then takes its new output
 * from `serial` pushes (the host pushes to the windows watching the VM; no polling). Hands
 * bytes on in order, says when QEMU was restarted (offsets begin again) or output was rotated
 * away before it was read. A push that leaves a hole (this window was behind and the host
 * dropped bytes) is filled by reading from the host's capped log, so nothing is shown twice.
 */
import type { SerialPush } from '../../shared/ipc';
import { getApi } from '../api';

/** What a feed reports. */
export interface SerialFeedSink {
  /** New output, in order. */
  data(bytes: Uint8Array): void;
  /** A new QEMU run began (the pane clears), or null: none runs now. `source` names it. */
  run(run: number | null, source: string): void;
  /** Output between two reads was rotated away on the host before it was read. */
  gap(bytes: number): void;
}

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
  const api = getApi();
  let stopped = false;
  let since = 0;
  let run: number | null | undefined;
  let reading = false;
  /** The end of what pushes brought while a read ran (they were not shown): read on to it. */
  let missedEnd = 0;
  /** A push of another run came while a read ran: read once more to meet it. */
  let runMoved = false;

  const read = async (): Promise<void> => {
    if (reading) return;
    reading = true;
    try {
      for (;;) {
        runMoved = false;
        const r = await api.invoke('serial.read', { id, since });
        if (stopped || !r.ok) return;
        const v = r.value;
        if (v.run !== run) {
          // A new QEMU (or none): its offsets start at 0, so read it again from there.
          run = v.run;
          since = 0;
          missedEnd = 0;
          sink.run(v.run, v.source);
          if (v.run === null) return;
          continue;
        }
        if (v.start > since) sink.gap(v.start - since);
        if (v.base64) sink.data(decode(v.base64));
        since = v.next;
        if (v.next - v.start < SERIAL_CHUNK && since >= missedEnd && !runMoved) return;
      }
    } finally {
      reading = false;
    }
  };

  const onPush = (p: SerialPush): void => {
    if (stopped || p.id !== id) return;
    const bytes = p.base64 ? decode(p.base64) : new Uint8Array(0);
    if (reading) {
      if (p.run === run) missedEnd = Math.max(missedEnd, p.start + bytes.length);
      else runMoved = true;
      return;
    }
    // Another run, or bytes that do not join on: the host's log has the truth.
    if (p.run !== run || p.start > since) {
      void read();
      return;
    }
    const fresh = bytes.subarray(Math.min(bytes.length, since - p.start));
    if (fresh.length) sink.data(fresh);
    since = Math.max(since, p.start + bytes.length);
  };

  const off = api.on('serial', onPush);
  // Watch first, then read: output in between arrives both ways and is shown once by offset.
  void api.invoke('serial.watch', { id, watch: true }).then(() => read());
  return () => {
    stopped = true;
    off();
    void api.invoke('serial.watch', { id, watch: false });
  };
}
