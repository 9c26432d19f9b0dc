/**
 * The Electron entry: lifecycle and the window only. Everything else is the same services
 * and router the web host runs (electron/core/services.ts).
 */
import { app, BrowserWindow, dialog } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServices, type Services } from './core/services';
import { createAppRouter } from './ipc/app-router';
import { electronPlatform } from './platform/electron-platform';
import { registerElectronTransport } from './platform/ipc-electron';
import { registerAppScheme, serveRenderer } from './platform/protocol';
import { createMainWindow, hardenWebContents } from './platform/window';

const here = path.dirname(fileURLToPath(import.meta.url));
const distDir = path.resolve(here, '..');
let mainWindow: BrowserWindow | null = null;
let services: Services | null = null;

// Same folder name as the web host's default user-data dir (electron/core/paths.ts).
app.setName('Kiln');

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerAppScheme();
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  app.on('web-contents-created', (_e, contents) => hardenWebContents(contents));
  app.on('window-all-closed', () => app.quit());

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting || !services) return;
    // Stop backends and flush state before the process goes away.
    event.preventDefault();
    quitting = true;
    void services.shutdown.runAll().finally(() => app.quit());
  });

  app
    .whenReady()
    .then(async () => {
      serveRenderer(path.join(distDir, 'renderer'));
      services = await createServices({
        userData: app.getPath('userData'),
        workspaceOverride: process.env.KILN_WORKSPACE || undefined,
        platform: electronPlatform(() => mainWindow),
        env: process.env,
        resourcesDir: path.join(distDir, 'resources'),
        promptsDir: path.join(distDir, 'prompts'),
        deferStartupWork: true,
      });
      const s = services;
      const router = createAppRouter(s, { packaged: app.isPackaged });
      s.shutdown.register('electron ipc', registerElectronTransport(router, s.events, () => mainWindow?.webContents ?? null));
      mainWindow = await createMainWindow(app.getPath('userData'), path.join(distDir, 'electron'));
      // The window is up and the transport answers: the watcher and other start-up work follow.
      s.afterStart.begin();
      mainWindow.on('closed', () => {
        mainWindow = null;
      });
    })
    .catch((error: unknown) => {
      dialog.showErrorBox('Kiln could not start', error instanceof Error ? error.message : String(error));
      app.exit(1);
    });
}
