/*
 * What a process listens on, read from /proc: its socket inodes (/proc/PID/fd) matched
 * against /proc/net/tcp{,6} rows in LISTEN state. Linux only; no `ss` needed.
 */
import fs from 'node:fs';

/** Socket inodes a process holds open. */
function socketInodes(pid: number): Set<string> {
  const out = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) out.add(m[1]!);
    } catch {
      // the fd closed between readdir and readlink
    }
  }
  return out;
}

/** TCP ports (v4 and v6) process `pid` listens on. */
export function listeningTcpPorts(pid: number): number[] {
  const inodes = socketInodes(pid);
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(table)) continue;
    for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is HEX_IP:HEX_PORT, st 0A is LISTEN, inode is field 9.
      if (f.length > 9 && f[3] === '0A' && inodes.has(f[9]!)) ports.push(parseInt(f[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

/** The TCP addresses (dotted IPv4, or the hex of an IPv6 row) and ports process `pid` listens on. */
export function listeningTcpAddresses(pid: number): { address: string; port: number; v6: boolean }[] {
  const inodes = socketInodes(pid);
  const out: { address: string; port: number; v6: boolean }[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(table)) continue;
    const v6 = table.endsWith('6');
    for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length <= 9 || f[3] !== '0A' || !inodes.has(f[9]!)) continue;
      const [hexIp, hexPort] = f[1]!.split(':') as [string, string];
      // /proc/net/tcp writes an IPv4 address as one little-endian 32-bit word.
      const address = v6
        ? hexIp
        : [3, 2, 1, 0].map((i) => parseInt(hexIp.slice(i * 2, i * 2 + 2), 16)).join('.');
      out.push({ address, port: parseInt(hexPort, 16), v6 });
    }
  }
  return out;
}
