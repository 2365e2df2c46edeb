/* Process facts for tests that must leave no process behind: is a PID still alive. */

/** True while a process with `pid` exists (signal 0 checks without signalling). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
