/**
 * `npm run start:web`: Kiln in a browser. Runs the same services and router as the desktop
 * app in plain Node, and prints exactly one line when ready: `Kiln is running at <url>`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isKilnError } from '../shared/contract/core';
import { defaultUserDataDir, resolveUserPath } from './core/paths';
import { createServices } from './core/services';
import { nodePlatform } from './webhost/node-platform';
import { parseWebHostArgs } from './webhost/args';
import { startWebHost } from './webhost/server';
import { installCrashGuard } from './webhost/crash-guard';

async function main(): Promise<void> {
  const args = parseWebHostArgs(process.argv.slice(2), process.env);
  const here = path.dirname(fileURLToPath(import.meta.url));
  const platform = nodePlatform();
  const services = await createServices({
    userData: args.userData ? resolveUserPath(args.userData) : defaultUserDataDir(),
    workspaceOverride: args.workspace,
    platform,
    env: process.env,
    resourcesDir: path.join(here, 'resources'),
    promptsDir: path.join(here, 'prompts'),
    deferStartupWork: true,
  });
  installCrashGuard({ log: (line) => process.stderr.write(`${line}\n`), notify: (m, d) => services.notices.add('error', m, d), scrub: (t) => services.scrubber.scrub(t) });
  const host = await startWebHost({
    services,
    rendererDir: path.join(here, 'renderer'),
    port: args.port,
  });

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    const failed = await services.shutdown.runAll();
    if (failed.length) process.stderr.write(`[kiln] shutdown steps that failed: ${failed.join(', ')}\n`);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  process.stdout.write(`Kiln is running at ${host.url}\n`);
  // The host answers every call now; the watcher, the tidy-up and the interrupted-chat check follow.
  services.afterStart.begin();
  if (args.open) {
    platform.openExternal(host.url).catch(() => {
      process.stderr.write('[kiln] Could not open a browser; open the link above yourself.\n');
    });
  }
}

main().catch((error: unknown) => {
  const message = isKilnError(error) || error instanceof Error ? error.message : String(error);
  process.stderr.write(`Kiln could not start: ${message}\n`);
  process.exit(isKilnError(error) && error.code === 'VALIDATION' ? 2 : 1);
});
