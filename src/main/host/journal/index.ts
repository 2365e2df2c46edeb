/* The durable journal's public surface: open it on a core, read it back. */
export {
  openJournal,
  type Journal,
  type JournalOptions,
  type JournalState,
  type JournalStats,
} from './journal';
export { JournalReader, type JournalPage, type JournalQuery } from './journal-reader';
export type { HostOpBody, HostOpRecord, JournalRecord, RecordMeta } from './journal-record';
export {
  DEFAULT_JOURNAL_POLICY,
  REDACTED_HELD_CODE,
  REDACTED_KEY_CODE,
  RecordPolicy,
  type JournalPolicy,
  type KindPolicy,
  type PendingSkips,
  type RedactionOptions,
} from './record-policy';
export type { Durability, OpenFindings, SegmentDamage } from './segment-writer';
export { defaultJournalDir } from './journal-paths';
export { lockJournalDir, type DirLock } from './dir-lock';
