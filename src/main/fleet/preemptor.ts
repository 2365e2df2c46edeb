/*
 * Who preempted a lease, by control name (docs/fleet.md §2): a LEASE_REVOKED body carries
 * only the preemptor's principal, so the host that decided it names the control in a feed
 * header, and a console shows that name as a local notice does. The name is the host's word,
 * never a console's guess; a console that gets none says the principal only.
 */
import type { Core } from '../core';
import { Kind, type VmsigEvent, decodeLeaseReq } from '../../shared/model';

/** The header of a LEASE_REVOKED feed message naming the preemptor's control (URI-encoded). */
export const PREEMPTOR_HEADER = 'Vmsig-Preemptor';

/** Longest name a console takes from the header (a config name plus `@nats:USER`). */
export const PREEMPTOR_NAME_MAX = 128;

/**
 * The name of the control that preempted the lease `ev` (a LEASE_REVOKED) revoked, as the
 * host's core knows it now, URI-encoded for a header; null for a revocation by death (0) or
 * when no control of that principal is attached any more. The lease's new holder is asked
 * first: the core grants it in the same step as it revokes, so it is the preemptor exactly;
 * a control of that principal is the fallback when the holder already let go.
 */
export function preemptorName(core: Core, ev: VmsigEvent): string | null {
  if (ev.kind !== Kind.LEASE_REVOKED) return null;
  const { cls, reason: principal } = decodeLeaseReq(ev.inln);
  if (principal === 0) return null;
  const row = core.arbiter.list().find((r) => r.endpoint === ev.endpoint && r.cls === cls);
  const controls = core.controls();
  const holder =
    row && row.holder.principal === principal
      ? controls.find((c) => c.id === row.holder.controlId)
      : undefined;
  const c = holder ?? controls.find((x) => x.spec.principal === principal);
  return c ? encodeURIComponent(c.spec.name) : null;
}

/** The preemptor's name from a header value; undefined when absent or not a sane name (never throws). */
export function parsePreemptor(value: string | undefined): string | undefined {
  if (value === undefined || value.length > PREEMPTOR_NAME_MAX * 3) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(value);
  } catch {
    return undefined;
  }
  // Shown in a notice: no control characters, bounded length.
  return name.length > 0 && name.length <= PREEMPTOR_NAME_MAX && !/\p{Cc}/u.test(name) ? name : undefined;
}
