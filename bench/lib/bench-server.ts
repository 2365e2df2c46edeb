/*
 * A stand-in host for the socket benchmarks: a core whose VMHOST seam on endpoint 1 acks
 * every command, behind a real control socket server with one all-capable token.
 */
import { ALL_ENDPOINTS, type AdapterPort, Core } from '../../src/main/core';
import { ControlServer, tokenAuthenticator } from '../../src/main/wire';
import { ALL_CAPS, ErrorCode, Kind, Source, encodeSeam } from '../../src/shared/model';
import { claimSeam } from '../../test/helpers/core-rig';
import { hrClock } from './hr-clock';

/** Starts the server on `socketPath`; every command is acked OK, with `detail` when given (e.g. a VmState). */
export async function benchServer(
  socketPath: string,
  token: string,
  detail?: number,
): Promise<{ core: Core; port: AdapterPort; server: ControlServer }> {
  const core = new Core({ clock: hrClock });
  core.addEndpoint(1, 'bench');
  const port = claimSeam(core, 1, Source.VMHOST, {
    handle: (cmd, seam) => void seam.ack(cmd, ErrorCode.OK, detail),
  });
  port.emit({ kind: Kind.SEAM_UP, inln: encodeSeam({ seam: Source.VMHOST, reason: 0 }) });
  const server = await ControlServer.start({
    core,
    clock: hrClock,
    log: () => {},
    socketPath,
    authenticate: tokenAuthenticator([
      { token, spec: { name: 'b', principal: 1, caps: ALL_CAPS, grant: ALL_ENDPOINTS, leasePrio: 0 } },
    ]),
  });
  return { core, port, server };
}
