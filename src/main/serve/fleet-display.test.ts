import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { FleetDisplay, MAX_EARLY_BYTES, fleetDisplayRoute } from './fleet-display';

/** A remote screen stream that records what the client's bytes were. */
function remoteScreen(): Duplex & { written: Buffer[] } {
  const written: Buffer[] = [];
  const d = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, done) {
      written.push(chunk);
      done();
    },
  });
  return Object.assign(d, { written });
}

/** Just enough of a ws WebSocket for the relay: messages in, sends and closes recorded. */
function fakeSocket() {
  const ws = new EventEmitter() as EventEmitter & { readyState: number; OPEN: number; closed: number | null };
  Object.assign(ws, {
    readyState: 1,
    OPEN: 1,
    closed: null,
    send: () => undefined,
    close(code: number) {
      ws.closed = code;
      ws.readyState = 3;
      ws.emit('close');
    },
  });
  return ws;
}

describe('fleet display relay', () => {
  it('parses only its own routes, with bounded host names and VM ids', () => {
    expect(fleetDisplayRoute('/fleet/display/ticket/b/1', undefined)).toEqual({
      kind: 'ticket',
      host: 'b',
      endpoint: 1,
    });
    expect(
      fleetDisplayRoute('/fleet/display/b/2', `/fleet/display/b/2?ticket=${'x'.repeat(24)}`),
    ).toMatchObject({
      kind: 'socket',
      ticket: 'x'.repeat(24),
    });
    for (const bad of [
      '/fleet/display/b/0',
      '/fleet/display/../1',
      `/fleet/display/${'h'.repeat(33)}/1`,
      '/fleet/x',
    ])
      expect(fleetDisplayRoute(bad, bad)).toBeNull();
  });

  it('closes a client that floods before the remote screen opens, and never opens it for that client', async () => {
    let open!: (d: Duplex) => void;
    const display = new FleetDisplay({ openScreen: () => new Promise((r) => (open = r)) }, () => undefined);
    const ws = fakeSocket();
    display.relay(ws as unknown as WebSocket, 'b', 1);
    const chunk = Buffer.alloc(16 * 1024);
    for (let i = 0; i * chunk.length <= MAX_EARLY_BYTES && ws.closed === null; i++)
      ws.emit('message', chunk, true);
    expect(ws.closed).toBe(1009);
    const remote = remoteScreen();
    open(remote);
    await new Promise((r) => setImmediate(r));
    expect(remote.destroyed).toBe(true);
    expect(remote.written).toEqual([]);
  });

  it('passes what a client sent early once the remote screen opens', async () => {
    let open!: (d: Duplex) => void;
    const display = new FleetDisplay({ openScreen: () => new Promise((r) => (open = r)) }, () => undefined);
    const ws = fakeSocket();
    display.relay(ws as unknown as WebSocket, 'b', 1);
    ws.emit('message', Buffer.from('RFB 003.008\n'), true);
    const remote = remoteScreen();
    open(remote);
    await new Promise((r) => setImmediate(r));
    expect(Buffer.concat(remote.written).toString()).toBe('RFB 003.008\n');
    expect(ws.closed).toBeNull();
  });
});
