/*
 * The monotonic clock the host gives the core (process.hrtime), and a stopwatch for
 * benchmarks. Kept here so every benchmark measures with the same clock.
 */
import type { Clock } from '../../src/main/core';

/** CLOCK_MONOTONIC nanoseconds, as the host's core sees it. */
export const hrClock: Clock = { nowNs: () => Number(process.hrtime.bigint()) };

/** Nanoseconds since an arbitrary origin, for measuring. */
export const nowNs = (): bigint => process.hrtime.bigint();

/** Seconds elapsed since `start` (from nowNs). */
export const secondsSince = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;

/** CLOCK_MONOTONIC in ms with sub-ms resolution: the same clock in every process on the machine. */
export const monoMs = (): number => Number(process.hrtime.bigint()) / 1e6;
