import { promises as fs } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** One way to show a path in the file manager: a program and its arguments, run without a shell. */
export interface RevealCommand {
  cmd: string;
  args: string[];
  /** False where the program's exit code means nothing (`explorer.exe` exits 1 on success). */
  trustExitCode: boolean;
  /** Windows: pass the arguments as written (explorer parses `/select,"…"` itself). */
  verbatim?: boolean;
}

/** The freedesktop file-manager interface every Linux file manager (Nautilus, Dolphin, Nemo, Thunar, Caja) serves. */
export const FILE_MANAGER_BUS = {
  dest: 'org.freedesktop.FileManager1',
  path: '/org/freedesktop/FileManager1',
  method: 'org.freedesktop.FileManager1.ShowItems',
} as const;

/**
 * A `file://` URI `dbus-send` can carry in an `array:string:` argument, whose items it splits at
 * commas: a comma in a path is percent-encoded like any other reserved character.
 */
export function fileUriForBus(target: string): string {
  return pathToFileURL(target).href.replace(/,/g, '%2C');
}

/**
 * What "Reveal in folder" runs, in order, until one succeeds. It shows the target selected in
 * its folder and never *opens* it: the OS opener would run an HTML report in the browser, a
 * script in its interpreter. The only opener fallback (Linux, when no file manager answers over
 * D-Bus) opens the parent folder of a file — a folder target is opened itself, since opening a
 * folder only shows it.
 */
export function revealCommands(target: string, opts: { platform: NodeJS.Platform; isDirectory: boolean }): RevealCommand[] {
  if (opts.platform === 'darwin') return [{ cmd: 'open', args: ['-R', target], trustExitCode: true }];
  if (opts.platform === 'win32') {
    // explorer wants `/select,"C:\a b\c.html"` as one token; quotes can't appear in a Windows path.
    return [{ cmd: 'explorer.exe', args: [`/select,"${target}"`], trustExitCode: false, verbatim: true }];
  }
  return [
    {
      cmd: 'dbus-send',
      args: [
        '--session',
        '--print-reply',
        '--reply-timeout=5000',
        `--dest=${FILE_MANAGER_BUS.dest}`,
        FILE_MANAGER_BUS.path,
        FILE_MANAGER_BUS.method,
        `array:string:${fileUriForBus(target)}`,
        'string:',
      ],
      trustExitCode: true,
    },
    { cmd: 'xdg-open', args: [opts.isDirectory ? target : path.dirname(target)], trustExitCode: true },
  ];
}

export type OpenerRunner = (cmd: string, args: string[], opts: { trustExitCode: boolean; verbatim?: boolean }) => Promise<void>;

/** Shows `target` in the OS file manager; the error of the last attempt when none worked. */
export async function revealWith(run: OpenerRunner, target: string, platform: NodeJS.Platform = process.platform): Promise<void> {
  const isDirectory = await fs.stat(target).then((s) => s.isDirectory(), () => false);
  let last: unknown = new Error('Nothing could show the folder.');
  for (const c of revealCommands(target, { platform, isDirectory })) {
    try {
      await run(c.cmd, c.args, { trustExitCode: c.trustExitCode, verbatim: c.verbatim });
      return;
    } catch (error) {
      last = error;
    }
  }
  throw last;
}
