import { dialog, shell, type BrowserWindow } from 'electron';
import type { PlatformPort } from '../core/platform';
import { electronCapturePage } from './page-capture';

/** The desktop implementation of the platform port: OS browser, file manager, trash, dialogs. */
export function electronPlatform(window: () => BrowserWindow | null): PlatformPort {
  return {
    runtime: 'electron',
    versions: {
      electron: process.versions.electron ?? 'unknown',
      chrome: process.versions.chrome ?? 'unknown',
      node: process.versions.node,
    },
    openExternal: (url) => shell.openExternal(url),
    revealInFolder: async (target) => shell.showItemInFolder(target),
    trashItem: async (target) => {
      await shell.trashItem(target);
      return true;
    },
    chooseSavePath: async (suggestedName) => {
      const win = window();
      const options = { defaultPath: suggestedName };
      const result = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
      return result.canceled || !result.filePath ? null : result.filePath;
    },
    chooseFolder: async () => {
      const win = window();
      const options = { properties: ['openDirectory', 'createDirectory'] as Array<'openDirectory' | 'createDirectory'> };
      const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    capturePage: electronCapturePage(window),
  };
}
