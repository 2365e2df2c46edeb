/*
 * Where and how the host keeps its journal, from the configuration's `journal` object and
 * the shell's flags (`--journal DIR` / `--no-journal`). Shared by both shells so the
 * Electron console and `vmsig serve` journal alike.
 */
import type { VmsigConfig } from './config';
import { type JournalOptions, defaultJournalDir } from './journal';

/** The journal options for HostService, or undefined when the journal is off. */
export function journalSettings(
  config: VmsigConfig,
  flags: { dir?: string; off?: boolean } = {},
): Omit<JournalOptions, 'log' | 'now'> | undefined {
  const { enabled, dir, ...settings } = config.journal;
  if (flags.off || (!enabled && flags.dir === undefined)) return undefined;
  return { ...settings, dir: flags.dir ?? dir ?? defaultJournalDir() };
}
