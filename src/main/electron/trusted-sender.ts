/*
 * Decides whether an IPC message comes from the console's own page: the sender frame must
 * be the top frame and its URL a file inside the built renderer directory. Pure string
 * checks over the frame's URL; it never trusts anything the page says about itself.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The parts of Electron's WebFrameMain this check reads. */
export interface SenderFrame {
  url: string;
  parent: unknown;
}

/** Whether `frame` is the top frame showing a file inside `rendererDir`. */
export function isTrustedSender(frame: SenderFrame | null | undefined, rendererDir: string): boolean {
  if (!frame || frame.parent) return false;
  let file: string;
  try {
    const u = new URL(frame.url);
    if (u.protocol !== 'file:') return false;
    file = fileURLToPath(u);
  } catch {
    return false;
  }
  const root = path.resolve(rendererDir);
  return file.startsWith(root + path.sep);
}
