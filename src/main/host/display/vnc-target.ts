/*
 * Where a VM's VNC server is: a Unix socket (managed VMs, `-vnc unix:`; attached VMs that
 * say so) or a TCP host:port (attached VMs only). Parsing and naming; no I/O.
 */

/** A VNC server the display relay may connect to. */
export type VncTarget = { kind: 'unix'; path: string } | { kind: 'tcp'; host: string; port: number };

/**
 * Reads a configuration's `vnc` value: `host:port` or `[v6]:port` is TCP, anything else a
 * socket path (resolved by the caller). Returns null for a `host:port` with a bad port.
 */
export function parseVncAddress(text: string): VncTarget | { kind: 'path'; path: string } | null {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d+)$/.exec(text);
  if (!m) return { kind: 'path', path: text };
  const port = Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return null;
  return { kind: 'tcp', host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

/** How logs and errors name a target. */
export function describeVncTarget(t: VncTarget): string {
  return t.kind === 'unix' ? `unix:${t.path}` : `${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;
}
