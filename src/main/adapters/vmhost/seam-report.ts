/*
 * Reports one adapter's seam as the link goes up and down: SEAM_UP / SEAM_DOWN with the
 * seam, the reason and the endpoint's display name as payload (protocol §9). It emits only
 * changes and never touches QMP.
 */
import { Kind, PayloadFlag, SeamReason, encodeSeam, utf8Encode } from '../../../shared/model';
import type { AdapterPort } from '../../core';
import type { LinkStatus, VmLink } from './vm-link';
import type { Disposer } from '../qmp';

/**
 * Emits the seam's current state now (SEAM_UP when the link is up, else SEAM_DOWN with its
 * reason) and every change after; `onStatus` runs after each report. Returns the disposer.
 */
export function reportSeam(
  port: AdapterPort,
  seam: number,
  codec: number,
  name: string,
  link: VmLink,
  onStatus?: (status: LinkStatus) => void,
): Disposer {
  const nameBytes = utf8Encode(name);
  const report = (status: LinkStatus): void => {
    port.emit({
      kind: status.up ? Kind.SEAM_UP : Kind.SEAM_DOWN,
      inln: encodeSeam({ seam, reason: status.up ? SeamReason.NORMAL : status.reason }),
      payload: { bytes: nameBytes, codec, flags: PayloadFlag.OWNED },
    });
    onStatus?.(status);
  };
  report(link.status);
  return link.onChange(report);
}
