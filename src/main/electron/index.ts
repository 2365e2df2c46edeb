/*
 * Electron main entry: loads the configuration (writing a default one on first run),
 * starts the host and the console service, binds IPC and opens the window. Thin: all
 * logic lives in host/ and host/console; this file only wires Electron to them.
 */
import { app, type WebContents } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfigPath, loadConfig, writeDefaultConfig } from '../host/config';
import { ConsoleService, type PushSink } from '../host/console';
import { HostService } from '../host/host-service';
import { bindIpc, webContentsSink } from './ipc-bindings';
import { bindDisplayIpc } from './display-ports';
import { bindKeyboardCapture } from './keyboard-capture';
import { DisplayService } from '../host/display';
import { createWindow, lockSession } from './window';
import { journalSettings } from '../host/journal-settings';
import { tryOpenFileLog } from '../host/log';
import { installLastResort } from '../host/last-resort';

const here = path.dirname(fileURLToPath(import.meta.url));
const paths = {
  rendererDir: path.resolve(here, '../renderer'),
  preload: path.resolve(here, '../preload/index.cjs'),
};
// Started from a desktop menu, stderr goes nowhere: every line also lands in
// $XDG_STATE_HOME/vmsig/log/electron.log (size-rotated).
const stderrLog = (level: string, msg: string): void => void process.stderr.write(`[${level}] ${msg}\n`);
const fileLog = tryOpenFileLog({ name: 'electron' }, (why) => stderrLog('warn', why));
const log = (level: 'debug' | 'info' | 'warn' | 'error', msg: string): void => {
  stderrLog(level, msg);
  fileLog?.log(level, msg);
};

function configArg(): string {
  const i = process.argv.indexOf('--config');
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : defaultConfigPath();
}

async function main(): Promise<void> {
  app.enableSandbox();
  await app.whenReady();
  lockSession();
  const file = configArg();
  // First run: a default configuration (operator control, demo VM when QEMU and the guest exist).
  const first = writeDefaultConfig(file);
  if (first.written)
    log(
      'info',
      `wrote a default configuration to ${file}${first.missing.length ? ` (no demo VM: ${first.missing.join('; ')})` : ''}`,
    );
  const config = loadConfig(file);
  // As in `vmsig serve`: an uncaught failure still stops the VMs (files removed) before exiting.
  let stopAll = async (): Promise<void> => {};
  installLastResort({ log, stop: () => stopAll(), exit: (code) => app.exit(code) });
  const host = await HostService.start({ config, log, journal: journalSettings(config) });
  stopAll = () => host.stop();
  const service = new ConsoleService(host, { log });
  service.start();
  const sinks = new Map<WebContents, PushSink>();
  const unbind = bindIpc(service, paths.rendererDir, (wc) => sinks.get(wc));
  // Screens go through the host's RFB relay over MessagePorts, under the console control's rights.
  const display = new DisplayService(host, () => service.id, { log });
  const unbindDisplay = bindDisplayIpc(display, paths.rendererDir);
  const unbindCapture = bindKeyboardCapture(paths.rendererDir);
  const open = (): void => {
    const win = createWindow(paths);
    const sink = webContentsSink(win.webContents);
    sinks.set(win.webContents, sink);
    const remove = service.addSink(sink);
    win.on('closed', () => {
      remove();
      sinks.delete(win.webContents);
    });
  };
  open();
  app.on('activate', open);
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', (e) => {
    e.preventDefault();
    unbind();
    unbindDisplay();
    unbindCapture();
    display.closeAll();
    service.stop();
    void host.stop().finally(() => app.exit(0));
  });
}

main().catch((e: unknown) => {
  log('error', `vmsig console failed to start: ${e instanceof Error ? e.message : String(e)}`);
  app.exit(1);
});
