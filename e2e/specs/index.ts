/* The e2e specs, in the order they run against one host (the QEMU kill comes last). */
import type { Spec } from '../harness/runner';
import { cursorSpecs } from './cursor.spec';
import { inputSpecs } from './input.spec';
import { overviewSpecs } from './overview.spec';
import { powerSpecs } from './power.spec';
import { seamSpecs } from './seam.spec';

export const specs: Spec[] = [...overviewSpecs, ...inputSpecs, ...powerSpecs, ...cursorSpecs, ...seamSpecs];
