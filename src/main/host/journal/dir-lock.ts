/*
 * One writer per journal directory: a LOCK file holding the writer's PID, taken with
 * O_EXCL. A lock whose PID is gone is stale and taken over; a live one is never stolen,
 * because two hosts appending to one segment would interleave their records.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Whether a process with this PID exists (EPERM still means it exists). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the directory's lock; returns its release function, or null when another live
 * process holds it. Creates the directory (0700) when missing.
 */
export function lockJournalDir(dir: string): (() => void) | null {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, 'LOCK');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return () => fs.rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(fs.readFileSync(file, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) return null;
      fs.rmSync(file, { force: true });
    }
  }
  return null;
}
