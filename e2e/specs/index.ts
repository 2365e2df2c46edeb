/* The e2e specs, in the order they run against one host (the QEMU kill comes last). */
import type { Spec } from '../harness/runner';
import { attachedSpecs } from './attached.spec';
import { cursorSpecs } from './cursor.spec';
import { inputSpecs } from './input.spec';
import { overviewSpecs } from './overview.spec';
import { powerSpecs } from './power.spec';
import { readinessSpecs } from './readiness.spec';
import { seamSpecs } from './seam.spec';
import { sendKeySpecs } from './send-key.spec';

export const specs: Spec[] = [
  ...overviewSpecs,
  ...inputSpecs,
  ...sendKeySpecs,
  ...powerSpecs,
  ...cursorSpecs,
  ...attachedSpecs,
  ...readinessSpecs,
  ...seamSpecs,
];
