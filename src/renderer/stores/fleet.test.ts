// The fleet store's pure parts: a remote held-keys answer as the held list shows it, remote
// cursor reports folded per VM (hosts kept apart), and the gap row's text.
import { describe, expect, it } from 'vitest';
import { InputKind } from '../../shared/model';
import {
  heldFromReply,
  reduceRemoteCursors,
  reduceRemoteRevoked,
  refKey,
  remoteGapNote,
  useFleet,
} from './fleet';

describe('fleet store', () => {
  it("reads an owning host's INPUT_HELD reply as keys and buttons", () => {
    const h = heldFromReply(1, {
      kind: 'INPUT_HELD',
      ok: true,
      err: '',
      fields: { held: ['KEY:42', 'BTN:272'], truncated: true },
    });
    expect(h).toEqual({
      endpoint: 1,
      truncated: true,
      entries: [
        { kind: InputKind.KEY, code: 42 },
        { kind: InputKind.BTN, code: 272 },
      ],
    });
    expect(heldFromReply(2, { kind: 'INPUT_HELD', ok: true, err: '', fields: {} }).entries).toEqual([]);
  });

  it('keeps the newest cursor per VM and host, and the same map when nothing came', () => {
    const at = (endpoint: number, x: number) => ({ endpoint, x, y: 0, visible: true, seq: x });
    const prev = { [refKey({ host: 'b', id: 1 })]: at(1, 5) };
    expect(reduceRemoteCursors(prev, [])).toBe(prev);
    const next = reduceRemoteCursors(prev, [
      { host: 'b', cursor: at(1, 6) },
      { host: 'c', cursor: at(1, 100) },
      { host: 'b', cursor: at(1, 7) },
    ]);
    expect(next).toEqual({ 'b/1': at(1, 7), 'c/1': at(1, 100) });
    expect(prev['b/1']!.x).toBe(5);
  });

  it('names the host and the count in the gap row', () => {
    expect(remoteGapNote('b', 12)).toBe('Gap: 12 events of host b missed (the fleet feed skipped them)');
    expect(remoteGapNote('lab-2', 1)).toMatch(/^Gap: 1 event of host lab-2 missed/);
    // What the host's journal filled (the events follow the row), or why it could not.
    expect(remoteGapNote('b', 9, { filled: 9, complete: true, sampled: 0 })).toBe(
      "Gap: 9 events of host b missed (the fleet feed skipped them); 9 filled below from host b's journal",
    );
    expect(remoteGapNote('b', 7, { filled: 4, complete: true, sampled: 0 })).toMatch(
      /; 4 filled below from host b's journal, 3 not in its journal or sent again as its state$/,
    );
    expect(remoteGapNote('b', 9, { filled: 4, complete: false, sampled: 3 })).toMatch(
      /; 4 filled below from host b's journal, 3 its journal sampled away, not all of them could be fetched from it$/,
    );
    expect(remoteGapNote('b', 2, { error: 'this host keeps no journal' })).toMatch(
      /; not fetched from host b's journal: this host keeps no journal$/,
    );
  });

  it("ends the grab of a VM whose host revoked our INPUT lease, saying by whom; other VMs' revocations change nothing", () => {
    const s = { ...useFleet.getState(), grabbed: { host: 'b', id: 1 }, pressed: [42] };
    expect(reduceRemoteRevoked(s, 'c', 1, 7)).toBeNull();
    expect(reduceRemoteRevoked(s, 'b', 2, 7)).toBeNull();
    expect(reduceRemoteRevoked(s, 'b', 1, 7)).toEqual({
      grabbed: null,
      pressed: [],
      preempted: { 'b/1': 'INPUT lease on VM 1 on b preempted by principal 7 on b' },
    });
    // Named as the local notice names it, by the control name host b gave for the principal.
    expect(reduceRemoteRevoked(s, 'b', 1, 7, 'robot')!.preempted!['b/1']).toBe(
      'INPUT lease on VM 1 on b preempted by robot (principal 7) on b',
    );
    expect(reduceRemoteRevoked(s, 'b', 1, 0)!.preempted!['b/1']).toMatch(
      /preempted by host b \(holder gone\)$/,
    );
  });
});
