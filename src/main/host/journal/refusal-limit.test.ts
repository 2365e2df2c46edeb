import { describe, expect, it } from 'vitest';
import { RefusalLimit } from './refusal-limit';

describe('RefusalLimit', () => {
  it('lets a burst through per control, then refills at the sustained rate', () => {
    let t = 0;
    const limit = new RefusalLimit(() => t, { burst: 3, perSec: 2 });
    expect([1, 2, 3, 4].map(() => limit.admit(7))).toEqual([true, true, true, false]);
    expect(limit.admit(8)).toBe(true); // another control has its own bucket
    t += 500; // one token back
    expect([limit.admit(7), limit.admit(7)]).toEqual([true, false]);
    expect(limit.capped).toBe(2);
  });

  it('never holds more than a burst, however long a control was quiet', () => {
    let t = 0;
    const limit = new RefusalLimit(() => t, { burst: 2, perSec: 1000 });
    limit.admit(1);
    t += 3_600_000;
    expect([1, 2, 3].map(() => limit.admit(1))).toEqual([true, true, false]);
  });
});
