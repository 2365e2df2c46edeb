/*
 * An adapter for tests that drive a real Core: its seam comes up at once and it acks every
 * command OK, after handing it to `seen`, so a test sees what reached the VM side.
 */
import type { AdapterPort, Core } from '../../src/main/core';
import { ErrorCode, Kind, type Prio, type Source, type VmsigEvent, encodeSeam } from '../../src/shared/model';

/** Registers it for `source` on `endpoint` and raises its SEAM_UP. */
export function ackingAdapter(
  core: Core,
  source: Source,
  endpoint: number,
  defaultPrio: Prio,
  seen: (cmd: VmsigEvent) => void = () => {},
): AdapterPort {
  const port = core.registerAdapter({
    source,
    endpoint,
    defaultPrio,
    codec: 0,
    handle: (cmd) => {
      seen(cmd);
      port.ack(cmd, ErrorCode.OK);
    },
  });
  port.emit({ kind: Kind.SEAM_UP, inln: encodeSeam({ seam: source, reason: 0 }) });
  return port;
}
