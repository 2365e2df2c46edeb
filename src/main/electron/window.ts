/*
 * The console window with Electron's security baseline: context isolation, sandbox, no
 * Node in the page, no webview, no navigation, no new windows, no permission grants, the
 * app loaded from files. It creates the window; it never talks to the service.
 */
import { BrowserWindow, session } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where the built pieces live, relative to out/main. */
export interface AppPaths {
  rendererDir: string;
  preload: string;
}

/** Denies every permission request (camera, notifications, ...): the console needs none. */
export function lockSession(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

/** Creates the main window on the built renderer. */
export function createWindow(paths: AppPaths): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    show: false,
    title: 'vmsig console',
    webPreferences: {
      // electronegativity PRELOAD_JS_CHECK (medium) asks to review the preload: it is
      // src/preload/index.ts, which exposes only the typed VmsigApi through contextBridge
      // (never ipcRenderer) and runs sandboxed; it is the page's only way to main.
      preload: paths.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Middle-click must not open links in new windows (electronegativity AUXCLICK_JS_CHECK).
      disableBlinkFeatures: 'Auxclick',
    },
  });
  const appUrl = pathToFileURL(path.join(paths.rendererDir, 'index.html')).href;
  win.webContents.on('will-navigate', (e, url) => {
    if (url !== appUrl) e.preventDefault();
  });
  win.webContents.on('will-redirect', (e) => e.preventDefault());
  win.webContents.on('will-attach-webview', (e) => e.preventDefault());
  // The console opens no windows and no external links: every request is denied.
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.once('ready-to-show', () => win.show());
  void win.loadFile(path.join(paths.rendererDir, 'index.html'));
  return win;
}
