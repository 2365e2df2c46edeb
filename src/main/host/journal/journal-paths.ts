/*
 * Where the journal lives by default: $XDG_STATE_HOME/vmsig/journal, else
 * ~/.local/state/vmsig/journal. It only computes a path; it never creates it.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The default journal directory for `env` (process.env by default). */
export function defaultJournalDir(env: NodeJS.ProcessEnv = process.env): string {
  const state =
    env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith('/')
      ? env.XDG_STATE_HOME
      : join(env.HOME || homedir(), '.local', 'state');
  return join(state, 'vmsig', 'journal');
}
