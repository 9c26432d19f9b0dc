import { BrowserWindow, screen, shell, type WebContents } from 'electron';
import path from 'node:path';
import { windowOpenDecision } from '../core/window-open';
import { DEFAULT_BOUNDS, fitToDisplays, loadWindowBounds, saveWindowBounds } from '../core/window-state';
import { createOpenLimiter } from '../../shared/lib/open-limit';
import { APP_HOST, APP_SCHEME } from './protocol';

const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * Every webContents (the window and any frame inside it) gets the same rules: no navigation
 * away from the app, no new windows (http(s) links go to the OS browser after validation),
 * no webviews, no permission prompts.
 */
/** One limiter for the whole app: a previewed page cannot flood the desktop with browser tabs. */
const allowExternalOpen = createOpenLimiter();

export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_SCHEME}://${APP_HOST}/`)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!url.startsWith(`${APP_SCHEME}://${APP_HOST}/`)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const safe = windowOpenDecision(url, allowExternalOpen);
    if (safe) void shell.openExternal(safe);
    return { action: 'deny' };
  });
  contents.session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  // Checks too (clipboard, notifications, media queried without a prompt): everything is denied.
  contents.session.setPermissionCheckHandler(() => false);
}

export async function createMainWindow(userData: string, preloadDir: string): Promise<BrowserWindow> {
  const remembered = fitToDisplays(
    await loadWindowBounds(userData),
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const win = new BrowserWindow({
    ...(remembered ?? DEFAULT_BOUNDS),
    minWidth: 800,
    minHeight: 520,
    show: false,
    title: 'Kiln',
    backgroundColor: '#161412',
    webPreferences: {
      preload: path.join(preloadDir, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: true,
    },
  });
  if (remembered?.maximized) win.maximize();
  hardenWebContents(win.webContents);
  win.once('ready-to-show', () => win.show());

  const persist = (): void => {
    if (win.isDestroyed() || win.isMinimized()) return;
    const b = win.getNormalBounds();
    void saveWindowBounds(userData, { ...b, maximized: win.isMaximized() }).catch(() => undefined);
  };
  let timer: NodeJS.Timeout | undefined;
  const debounced = (): void => {
    clearTimeout(timer);
    timer = setTimeout(persist, 500);
  };
  win.on('resize', debounced);
  win.on('move', debounced);
  win.on('close', persist);

  await win.loadURL(APP_URL);
  return win;
}
