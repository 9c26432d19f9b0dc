/**
 * "Reveal in folder" shows a file selected in its folder and never opens it. The commands are
 * checked per OS as data; on Linux the real thing runs: a private D-Bus session, a stand-in
 * file manager serving org.freedesktop.FileManager1 that records ShowItems, and a recorder
 * `xdg-open` on PATH that would show any attempt to open the file itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOpener } from './node-platform';
import { fileUriForBus, revealCommands, revealWith } from './reveal';

describe('revealCommands', () => {
  it('macOS: open -R selects the file in Finder', () => {
    expect(revealCommands('/Users/a/ws/report/index.html', { platform: 'darwin', isDirectory: false })).toEqual([
      { cmd: 'open', args: ['-R', '/Users/a/ws/report/index.html'], trustExitCode: true },
    ]);
  });

  it('Windows: explorer /select, with the path quoted as one token, exit code ignored', () => {
    expect(revealCommands('C:\\Users\\a b\\ws\\report\\index.html', { platform: 'win32', isDirectory: false })).toEqual([
      { cmd: 'explorer.exe', args: ['/select,"C:\\Users\\a b\\ws\\report\\index.html"'], trustExitCode: false, verbatim: true },
    ]);
  });

  it('Linux: ShowItems over D-Bus first, then the opener on the PARENT folder, never the file', () => {
    const cmds = revealCommands('/home/a/ws/report/index.html', { platform: 'linux', isDirectory: false });
    expect(cmds[0]!.cmd).toBe('dbus-send');
    expect(cmds[0]!.args).toContain('org.freedesktop.FileManager1.ShowItems');
    expect(cmds[0]!.args).toContain('array:string:file:///home/a/ws/report/index.html');
    expect(cmds[1]).toEqual({ cmd: 'xdg-open', args: ['/home/a/ws/report'], trustExitCode: true });
    expect(cmds.flatMap((c) => c.args)).not.toContain('/home/a/ws/report/index.html');
  });

  it('Linux: a folder is selected in its parent, or opened itself (a folder is not run)', () => {
    const cmds = revealCommands('/home/a/ws/report', { platform: 'linux', isDirectory: true });
    expect(cmds[0]!.args).toContain('array:string:file:///home/a/ws/report');
    expect(cmds[1]!.args).toEqual(['/home/a/ws/report']);
  });

  it('a comma, space or # in the path cannot split or cut the D-Bus argument', () => {
    expect(fileUriForBus('/tmp/a,b c#d.html')).toBe('file:///tmp/a%2Cb%20c%23d.html');
  });
});

const linux = process.platform === 'linux';
const hasBus = linux && ['dbus-daemon', 'dbus-send'].every((t) => ['/usr/bin', '/bin'].some((d) => existsSync(path.join(d, t))));

describe.runIf(hasBus)('revealWith on Linux, against a real private session bus', () => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  let tmp = '';
  let daemon: ChildProcess | undefined;
  let address = '';
  const opened = (): string[] => (existsSync(path.join(tmp, 'opened.log')) ? readFileSync(path.join(tmp, 'opened.log'), 'utf8').split('\n').filter(Boolean) : []);

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'kiln-reveal-'));
    // A recorder standing in for xdg-open: it writes what it was asked to open and exits 0.
    mkdirSync(path.join(tmp, 'bin'));
    writeFileSync(path.join(tmp, 'bin', 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$1" >> '${tmp}/opened.log'\n`);
    chmodSync(path.join(tmp, 'bin', 'xdg-open'), 0o755);
    mkdirSync(path.join(tmp, 'report'));
    writeFileSync(path.join(tmp, 'report', 'index, final.html'), '<h1>report</h1>');
    daemon = spawn('dbus-daemon', ['--session', '--nofork', '--nopidfile', '--print-address=1'], { stdio: ['ignore', 'pipe', 'ignore'] });
    address = await new Promise<string>((resolve, reject) => {
      let out = '';
      daemon!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
      daemon!.once('exit', (code) => reject(new Error(`dbus-daemon exited with ${code}`)));
    });
  });
  afterAll(() => {
    daemon?.kill();
    rmSync(tmp, { recursive: true, force: true });
  });

  const env = (): Record<string, string> => ({ PATH: `${tmp}/bin:/usr/bin:/bin`, DBUS_SESSION_BUS_ADDRESS: address, HOME: tmp });
  const run = (cmd: string, args: string[], o: { trustExitCode: boolean }): Promise<void> => runOpener(cmd, args, { ...o, env: env() });

  it('with no file manager on the bus, opens the parent folder — never the file', async () => {
    const file = path.join(tmp, 'report', 'index, final.html');
    await revealWith(run, file, 'linux');
    expect(opened()).toEqual([path.join(tmp, 'report')]);
  });

  it('with a file manager serving FileManager1, calls ShowItems with the file URI and opens nothing', async () => {
    const calls = path.join(tmp, 'calls.log');
    const fm = spawn('/usr/bin/python3', [path.join(here, 'fixtures', 'file-manager1.py'), calls], { env: env(), stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        fm.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
        fm.once('exit', (code) => reject(new Error(`the stand-in file manager exited with ${code} (python3-dbus and python3-gi needed)`)));
      });
      const before = opened().length;
      const file = path.join(tmp, 'report', 'index, final.html');
      await revealWith(run, file, 'linux');
      await revealWith(run, path.join(tmp, 'report'), 'linux');
      const recorded = readFileSync(calls, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { uris: string[] });
      expect(recorded.map((r) => r.uris)).toEqual([[fileUriForBus(file)], [fileUriForBus(path.join(tmp, 'report'))]]);
      expect(decodeURIComponent(new URL(recorded[0]!.uris[0]!).pathname)).toBe(file);
      expect(opened().length).toBe(before);
    } finally {
      fm.kill();
    }
  });
});
