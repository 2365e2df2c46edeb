/*
 * Checks every request that crosses the border into the console service, whatever shell
 * carried it. Returns a typed value or throws VmsigError INVAL naming the bad field; it
 * never trusts a field it did not check and never coerces a wrong type into a right one.
 */
import { ENDPOINT_MAX, ErrorCode, VmsigError } from '../../../shared/model';
import { checkMacroName, checkSteps } from '../../../shared/macros';
import { MAX_FIXED_MS } from '../macros';
import { ConfigError } from '../config';
import {
  INVOKE_CHANNELS,
  type InputRequest,
  type ManagedVmForm,
  type InvokeChannel,
  type InvokeRequest,
} from '../../../shared/ipc';

const INT32_MAX = 0x7fffffff;
const ABS_MAX = 32767;
/** The longest paste: a canonical-mode tty line holds 4 095 characters, a paste may hold many lines. */
const PASTE_MAX = 100_000;

function bad(msg: string): VmsigError {
  return new VmsigError(ErrorCode.INVAL, msg);
}

function record(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(`${what} must be an object`);
  return v as Record<string, unknown>;
}

/** Rejects keys outside `allowed`, so a typo or an injected field never passes silently. */
function onlyKeys(o: Record<string, unknown>, allowed: readonly string[], what: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw bad(`${what}: unknown field "${k}"`);
}

function int(o: Record<string, unknown>, k: string, min: number, max: number): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw bad(`${k} must be an integer in ${min}..${max}`);
  return v;
}

function bool(o: Record<string, unknown>, k: string): boolean {
  if (typeof o[k] !== 'boolean') throw bad(`${k} must be a boolean`);
  return o[k];
}

function str(o: Record<string, unknown>, k: string, maxLen: number): string {
  const v = o[k];
  if (typeof v !== 'string' || v.length === 0 || v.length > maxLen)
    throw bad(`${k} must be a non-empty string of at most ${maxLen} characters`);
  return v;
}

function oneOf<T extends string>(o: Record<string, unknown>, k: string, values: readonly T[]): T {
  const v = o[k];
  if (typeof v !== 'string' || !values.includes(v as T))
    throw bad(`${k} must be one of ${values.join(', ')}`);
  return v as T;
}

const endpoint = (o: Record<string, unknown>, k = 'endpoint'): number => int(o, k, 1, ENDPOINT_MAX);

/** A fleet host name: one NATS subject token (docs/fleet.md §2). */
function fleetHost(v: unknown): string {
  if (typeof v !== 'string' || !/^[A-Za-z0-9_-]{1,32}$/.test(v)) throw bad('host must be a fleet host name');
  return v;
}

/** The local channel whose fields a fleet channel carries. */
const FLEET_LOCAL = {
  'fleet.vmOp': 'vm.op',
  'fleet.acquire': 'lease.acquire',
  'fleet.release': 'lease.release',
  'fleet.query': 'input.query',
  'fleet.layouts': 'input.layouts',
  'fleet.type': 'input.type',
  'fleet.typeCancel': 'input.typeCancel',
  'fleet.macroPlay': 'macro.play',
  'fleet.macroCancel': 'macro.cancel',
} as const;

/** Whether `c` names an invoke channel. */
export function isInvokeChannel(c: unknown): c is InvokeChannel {
  return typeof c === 'string' && (INVOKE_CHANNELS as readonly string[]).includes(c);
}

function validateInput(o: Record<string, unknown>): InputRequest {
  const type = oneOf(o, 'type', ['key', 'button', 'abs', 'rel', 'scroll'] as const);
  const ep = endpoint(o);
  switch (type) {
    case 'key':
    case 'button':
      onlyKeys(o, ['endpoint', 'type', 'code', 'down'], 'input');
      return { endpoint: ep, type, code: int(o, 'code', 1, 0x2ff), down: bool(o, 'down') };
    case 'abs':
      onlyKeys(o, ['endpoint', 'type', 'x', 'y'], 'input');
      return { endpoint: ep, type, x: int(o, 'x', 0, ABS_MAX), y: int(o, 'y', 0, ABS_MAX) };
    case 'rel':
      onlyKeys(o, ['endpoint', 'type', 'dx', 'dy'], 'input');
      return {
        endpoint: ep,
        type,
        dx: int(o, 'dx', -INT32_MAX, INT32_MAX),
        dy: int(o, 'dy', -INT32_MAX, INT32_MAX),
      };
    case 'scroll': {
      onlyKeys(o, ['endpoint', 'type', 'delta'], 'input');
      const d = o.delta;
      if (typeof d !== 'number' || !Number.isFinite(d) || Math.abs(d) > 1000)
        throw bad('delta must be a finite number in -1000..1000');
      return { endpoint: ep, type, delta: d };
    }
  }
}

const absPath = (o: Record<string, unknown>, k: string): string => {
  const v = str(o, k, 4096);
  if (!v.startsWith('/')) throw bad(`${k} must be an absolute path`);
  return v;
};

/** The New VM / Edit form's settings; the host checks them again by the configuration's rules. */
function validateForm(v: unknown): ManagedVmForm {
  const o = record(v, 'managed');
  onlyKeys(o, ['memoryMiB', 'vcpus', 'firmware', 'disk', 'cdrom', 'network'], 'managed');
  const form: ManagedVmForm = {
    memoryMiB: int(o, 'memoryMiB', 1, 1 << 20),
    vcpus: int(o, 'vcpus', 1, 64),
    firmware: oneOf(o, 'firmware', ['bios', 'uefi'] as const),
  };
  if (o.disk !== undefined) {
    const d = record(o.disk, 'disk');
    onlyKeys(d, ['path', 'mode'], 'disk');
    form.disk = {
      path: absPath(d, 'path'),
      mode: oneOf(d, 'mode', ['snapshot', 'overlay', 'write'] as const),
    };
  }
  if (o.cdrom !== undefined) form.cdrom = absPath(o, 'cdrom');
  if (o.network !== undefined) {
    const n = record(o.network, 'network');
    onlyKeys(n, ['forwards'], 'network');
    if (!Array.isArray(n.forwards) || n.forwards.length > 16)
      throw bad('network.forwards must be an array of at most 16');
    form.network = {
      forwards: n.forwards.map((f) => {
        const r = record(f, 'forward');
        onlyKeys(r, ['hostPort', 'guestPort'], 'forward');
        return { hostPort: int(r, 'hostPort', 1, 65535), guestPort: int(r, 'guestPort', 1, 65535) };
      }),
    };
  }
  return form;
}

/**
 * Validates `request` for `channel`. Throws VmsigError INVAL (bad argument) or KIND
 * (unknown channel); returns the request rebuilt from checked fields only.
 */
export function validateRequest<C extends InvokeChannel>(channel: C, request: unknown): InvokeRequest<C> {
  const o = record(request, channel);
  const cls = (): 'INPUT' | 'POWER' => oneOf(o, 'cls', ['INPUT', 'POWER'] as const);
  let out: unknown;
  switch (channel as InvokeChannel) {
    case 'state.snapshot':
      onlyKeys(o, [], channel);
      out = {};
      break;
    case 'vm.start':
    case 'vm.stop':
    case 'vm.remove':
      onlyKeys(o, ['id'], channel);
      out = { id: endpoint(o, 'id') };
      break;
    case 'vm.addAttached':
    case 'vm.editAttached': {
      onlyKeys(o, ['id', 'name', 'qmp', 'vnc', 'serial'], channel);
      const qmp = str(o, 'qmp', 4096);
      if (!qmp.startsWith('/')) throw new ConfigError('qmp', 'must be an absolute socket path');
      // Only their type here: the configuration file's rules check them behind the gate.
      const optional = (k: 'vnc' | 'serial') => (o[k] === undefined ? {} : { [k]: str(o, k, 4096) });
      out = {
        id: endpoint(o, 'id'),
        name: str(o, 'name', 64),
        qmp,
        ...optional('vnc'),
        ...optional('serial'),
      };
      break;
    }
    case 'vm.create':
    case 'vm.edit':
      onlyKeys(o, ['id', 'name', 'managed'], channel);
      out = { id: endpoint(o, 'id'), name: str(o, 'name', 64), managed: validateForm(o.managed) };
      break;
    case 'vm.settings':
      onlyKeys(o, ['id'], channel);
      out = { id: endpoint(o, 'id') };
      break;
    case 'vm.images':
      onlyKeys(o, [], channel);
      out = {};
      break;
    case 'serial.read':
      onlyKeys(o, ['id', 'since'], channel);
      out = { id: endpoint(o, 'id'), since: int(o, 'since', 0, Number.MAX_SAFE_INTEGER) };
      break;
    case 'serial.watch':
      onlyKeys(o, ['id', 'watch'], channel);
      if (typeof o.watch !== 'boolean') throw bad('watch must be true or false');
      out = { id: endpoint(o, 'id'), watch: o.watch };
      break;
    case 'vm.op':
      onlyKeys(o, ['endpoint', 'op'], channel);
      out = {
        endpoint: endpoint(o),
        op: oneOf(o, 'op', ['pause', 'resume', 'reset', 'powerdown', 'quit'] as const),
      };
      break;
    case 'lease.acquire':
    case 'lease.release':
      onlyKeys(o, ['endpoint', 'cls'], channel);
      out = { endpoint: endpoint(o), cls: cls() };
      break;
    case 'input.send':
      out = validateInput(o);
      break;
    case 'input.query':
    case 'input.layouts':
    case 'input.typeCancel':
      onlyKeys(o, ['endpoint'], channel);
      out = { endpoint: endpoint(o) };
      break;
    case 'input.preview':
      onlyKeys(o, ['layout', 'text'], channel);
      out = { layout: str(o, 'layout', 16), text: str(o, 'text', PASTE_MAX) };
      break;
    case 'input.type':
      onlyKeys(o, ['endpoint', 'layout', 'text'], channel);
      out = { endpoint: endpoint(o), layout: str(o, 'layout', 16), text: str(o, 'text', PASTE_MAX) };
      break;
    case 'macro.list':
      onlyKeys(o, [], channel);
      out = {};
      break;
    case 'macro.save':
      onlyKeys(o, ['name', 'steps'], channel);
      out = { name: checkMacroName(o.name), steps: checkSteps(o.steps) };
      break;
    case 'macro.play':
      onlyKeys(o, ['endpoint', 'name', 'speed'], channel);
      out = {
        endpoint: endpoint(o),
        name: checkMacroName(o.name),
        speed: o.speed === 'recorded' ? 'recorded' : int(o, 'speed', 0, MAX_FIXED_MS),
      };
      break;
    case 'macro.cancel':
      onlyKeys(o, ['endpoint'], channel);
      out = { endpoint: endpoint(o) };
      break;
    case 'history.query': {
      onlyKeys(o, ['limit', 'vm', 'before', 'after'], channel);
      out = {
        limit: int(o, 'limit', 1, 20_000),
        ...(o.vm === undefined ? {} : { vm: endpoint(o, 'vm') }),
        ...(o.before === undefined ? {} : { before: int(o, 'before', 0, Number.MAX_SAFE_INTEGER) }),
        ...(o.after === undefined ? {} : { after: int(o, 'after', -1, Number.MAX_SAFE_INTEGER) }),
      };
      break;
    }
    case 'events.subscribe':
      onlyKeys(o, ['enabled'], channel);
      out = { enabled: bool(o, 'enabled') };
      break;
    case 'fleet.vmOp':
    case 'fleet.acquire':
    case 'fleet.release':
    case 'fleet.query':
    case 'fleet.layouts':
    case 'fleet.type':
    case 'fleet.typeCancel':
    case 'fleet.macroPlay':
    case 'fleet.macroCancel': {
      // The same fields as the local command, plus the owning host's fleet name.
      const { host, ...rest } = o;
      const local = FLEET_LOCAL[channel as keyof typeof FLEET_LOCAL];
      out = { host: fleetHost(host), ...validateRequest(local, rest) };
      break;
    }
    case 'fleet.input':
      onlyKeys(o, ['host', 'input'], channel);
      out = { host: fleetHost(o.host), input: validateInput(record(o.input, 'input')) };
      break;
    default:
      throw new VmsigError(ErrorCode.KIND, `unknown channel ${String(channel)}`);
  }
  return out as InvokeRequest<C>;
}
