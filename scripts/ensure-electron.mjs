#!/usr/bin/env node
// Our postinstall. Electron's own install script downloads its binary; where that is
// impossible (offline, firewalled, CI) npm would roll back the whole install. We run it
// ourselves, tolerate failure, and say in one sentence what it means: the web host still works.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const installer = path.resolve('node_modules/electron/install.js');
if (!existsSync(installer)) process.exit(0);
if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  console.log('kiln: skipped the Electron download (ELECTRON_SKIP_BINARY_DOWNLOAD); `npm run start:web` works without it.');
  process.exit(0);
}
const result = spawnSync(process.execPath, [installer], { encoding: 'utf8', timeout: 10 * 60 * 1000 });
if (result.status !== 0) {
  // The downloader's stack trace helps nobody here; its first line says what went wrong.
  const reason = `${result.stderr ?? ''}${result.stdout ?? ''}`.split('\n').find((l) => l.trim()) ?? 'unknown error';
  console.warn(
    `kiln: the Electron binary could not be downloaded (${reason.trim().slice(0, 200)}), so \`npm start\` will not work on this machine.\n` +
      'kiln: everything else is installed; use `npm run start:web` to run Kiln in your browser.',
  );
} else if (result.stdout) {
  process.stdout.write(result.stdout);
}
process.exit(0);
