// The console's fleet channels for paste, through ConsoleService.dispatch with a stand-in
// fleet: checked at the border (host name, fields), the remote VM's layout from its host's
// presence, and a paste whose every key is a command to the owning host (none to this core).
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { FleetSnapshot } from '../../../shared/ipc';
import {
  ErrorCode,
  Kind,
  type VmsigEvent,
  decodeInput,
  encodeActAck,
  makeEvent,
} from '../../../shared/model';
import { standInHost } from '../../../../test/helpers/stand-in-host';
import { KEYMAPS_DIR } from '../keymap';
import { ConsoleService } from './console-service';

const fleetSnapshot = (): FleetSnapshot => ({
  self: 'a',
  connected: true,
  hosts: [
    {
      name: 'b',
      reachable: true,
      silentMs: 10,
      vms: [
        { id: 3, name: 'web', host: 'running', lifecycle: 'RUNNING', layout: 'de', seams: [], leases: [] },
      ],
    },
  ],
});

function setup() {
  const sent: { host: string; ev: VmsigEvent }[] = [];
  const svc = new ConsoleService(standInHost(), {
    tickMs: 5,
    fleet: {
      snapshot: fleetSnapshot,
      command: async (host, ev) => {
        sent.push({ host, ev });
        if (ev.kind === Kind.CMD_QUERY_INPUT)
          return makeEvent({ kind: Kind.INPUT_HELD, endpoint: ev.endpoint });
        return makeEvent({
          kind: Kind.ACT_ACK,
          endpoint: ev.endpoint,
          inln: encodeActAck({ ok: 1, err: 0, cmdKind: ev.kind, detail: 0 }),
        });
      },
      onChange: () => () => {},
      onEvent: () => () => {},
    },
  });
  svc.start();
  stops.push(() => svc.stop());
  return { svc, sent };
}

let stops: (() => void)[] = [];
afterEach(() => {
  for (const s of stops) s();
  stops = [];
});

describe.skipIf(!fs.existsSync(KEYMAPS_DIR))('console fleet paste channels', () => {
  it("answers the remote VM's own layout, en-us for a VM its host does not list", async () => {
    const { svc } = setup();
    type Layouts = { names: string[]; layout: string; error: string };
    const r = await svc.dispatch('fleet.layouts', { host: 'b', endpoint: 3 });
    expect(r.ok && r.value).toMatchObject({ layout: 'de', error: '' });
    expect(r.ok && (r.value as Layouts).names).toContain('fr');
    const other = await svc.dispatch('fleet.layouts', { host: 'b', endpoint: 9 });
    expect(other.ok && (other.value as Layouts).layout).toBe('en-us');
  });

  it('types on the owning host only: every key a CMD_INPUT to b, acknowledged', async () => {
    const { svc, sent } = setup();
    const r = await svc.dispatch('fleet.type', { host: 'b', endpoint: 3, layout: 'en-us', text: 'ls\n' });
    expect(r).toEqual({ ok: true, value: { typed: 3, total: 3, cancelled: false, err: '' } });
    expect(sent.every((s) => s.host === 'b' && s.ev.endpoint === 3)).toBe(true);
    const keys = sent.filter((s) => s.ev.kind === Kind.CMD_INPUT).map((s) => decodeInput(s.ev.inln));
    // l, s, Enter: each down then up.
    expect(keys.map((k) => `${k.code}:${k.value}`)).toEqual(['38:1', '38:0', '31:1', '31:0', '28:1', '28:0']);
    const cancel = await svc.dispatch('fleet.typeCancel', { host: 'b', endpoint: 3 });
    expect(cancel).toEqual({ ok: true, value: { cancelled: false } });
  });

  it('refuses a bad request at the border and an unknown host before sending anything', async () => {
    const { svc, sent } = setup();
    for (const bad of [
      { host: 'b.c', endpoint: 3, layout: 'en-us', text: 'x' },
      { host: 'b', endpoint: 3, layout: 'en-us', text: 'x', extra: 1 },
      { host: 'b', endpoint: 0, layout: 'en-us', text: 'x' },
      { host: 'b', endpoint: 3, layout: 'en-us' },
    ]) {
      const r = await svc.dispatch('fleet.type', bad);
      expect(r.ok, JSON.stringify(bad)).toBe(false);
      expect(!r.ok && r.error.code).toBe(ErrorCode.INVAL);
    }
    const unknown = await svc.dispatch('fleet.type', { host: 'zz', endpoint: 3, layout: 'en-us', text: 'x' });
    expect(!unknown.ok && unknown.error.code).toBe(ErrorCode.NOENT);
    expect(sent).toEqual([]);
  });
});
