/*
 * `vmsig vm list|start|stop|screenshot` and the host facts of `vmsig vm status`, over host request
 * frames (§10, docs/protocol-host-frames.md): the host runs them as this CLI's control,
 * gated and journaled. The CLI never opens QMP or VNC itself.
 */
import fs from 'node:fs';
import type { WireClient } from '../../main/wire';
import type { CliIo } from '../command';

/** A VM as `vms` reports it (HostVm without host paths); the optional facts come from managed VMs. */
export interface VmFacts {
  id: number;
  name: string;
  kind: string;
  state: string;
  error: string | null;
  accel?: string | null;
  accelReason?: string | null;
  bootStatus?: string | null;
  silentForS?: number | null;
}

function accelText(vm: VmFacts): string | null {
  if (!vm.accel) return null;
  return vm.accelReason ? `${vm.accel} (${vm.accelReason})` : vm.accel;
}

function bootText(vm: VmFacts): string | null {
  if (vm.bootStatus === 'silent' && typeof vm.silentForS === 'number')
    return `no guest output for ${vm.silentForS} s`;
  return vm.bootStatus ?? null;
}

/** One line of host facts: "running (managed); accel tcg (why); boot progressed; error: ...". */
export function vmFactsLine(vm: VmFacts): string {
  const parts = [`${vm.state} (${vm.kind})`];
  const accel = accelText(vm);
  if (accel) parts.push(`accel ${accel}`);
  const boot = bootText(vm);
  if (boot) parts.push(`boot ${boot}`);
  if (vm.error) parts.push(`error: ${vm.error}`);
  return parts.join('; ');
}

/** The `vms` list; prints the refusal and resolves null when refused. */
export async function fetchVms(client: WireClient, io: CliIo): Promise<VmFacts[] | null> {
  const r = await client.hostRequest('vms');
  if (!r.ok) {
    io.err(`vm list: refused: ${r.err}${r.message ? ` (${r.message})` : ''}`);
    return null;
  }
  const vms = (r.result as { vms?: unknown }).vms;
  return Array.isArray(vms) ? (vms as VmFacts[]) : [];
}

/** Runs `vm.start` / `vm.stop` on `vm`; prints the outcome; returns the exit status. */
export async function powerOp(
  client: WireClient,
  io: CliIo,
  action: 'start' | 'stop',
  vm: number,
): Promise<number> {
  const r = await client.hostRequest(`vm.${action}`, { vm }, 120_000);
  if (!r.ok) {
    io.err(`vm ${action} on VM ${vm}: refused: ${r.err}${r.message ? ` (${r.message})` : ''}`);
    return 1;
  }
  io.out(`VM ${vm}: ${action} done`);
  return 0;
}

/**
 * Writes VM `vm`'s screen as PNG to `file` (0600: a screen can show secrets; an existing
 * symlink is not followed). Prints the size; returns the exit status.
 */
export async function screenshot(client: WireClient, io: CliIo, vm: number, file: string): Promise<number> {
  const r = await client.hostRequest('vm.screenshot', { vm }, 60_000);
  if (!r.ok) {
    io.err(`vm screenshot on VM ${vm}: refused: ${r.err}${r.message ? ` (${r.message})` : ''}`);
    return 1;
  }
  const png = Buffer.from(String((r.result as { base64?: unknown }).base64 ?? ''), 'base64');
  const { O_WRONLY, O_CREAT, O_TRUNC, O_NOFOLLOW } = fs.constants;
  const fd = fs.openSync(file, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o600);
  try {
    fs.writeSync(fd, png);
  } finally {
    fs.closeSync(fd);
  }
  // IHDR: width and height are the first two big-endian u32 after the 8-byte signature and chunk header.
  const size = png.length >= 24 ? `${png.readUInt32BE(16)}x${png.readUInt32BE(20)}` : '?';
  io.out(`VM ${vm}: screenshot ${size} written to ${file} (${png.length} bytes)`);
  return 0;
}
