/*
 * What the operator must be told: command results (ACT_ACK error names included),
 * preemptions, host failures. Every result lands here; nothing is dropped silently.
 */
import { create } from 'zustand';

/** One message in the notice area. */
export interface Notice {
  id: number;
  level: 'info' | 'error' | 'warn';
  text: string;
  atMs: number;
}

/** Notice state: newest last, at most 50 kept. */
export interface NoticesState {
  notices: Notice[];
  /** The last "preempted by …" message per VM, shown on the VM view until the next grab. */
  preempted: Record<number, string>;
}

/** The notices store. */
export const useNotices = create<NoticesState>()(() => ({ notices: [], preempted: {} }));

let nextId = 1;

/** Appends a notice (pure: returns the new list). */
export function appendNotice(
  list: readonly Notice[],
  level: Notice['level'],
  text: string,
  atMs: number,
): Notice[] {
  return [...list, { id: nextId++, level, text, atMs }].slice(-50);
}

/** How long a success notice stays; errors and warnings stay until dismissed. */
const INFO_TTL_MS = 6000;

/** Records a notice. */
export function notify(level: Notice['level'], text: string): void {
  const before = nextId;
  useNotices.setState((s) => ({ notices: appendNotice(s.notices, level, text, Date.now()) }));
  if (level === 'info') setTimeout(() => dismiss(before), INFO_TTL_MS);
}

/** Removes one notice. */
export function dismiss(id: number): void {
  useNotices.setState((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
}
