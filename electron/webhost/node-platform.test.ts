/**
 * The web host's opener (Reveal in folder, links): a headless machine's `xdg-open` fails a
 * moment after it starts, and that failure must reach the user instead of a button that does
 * nothing. Real processes stand in for the opener.
 */
import { describe, expect, it } from 'vitest';
import { runOpener } from './node-platform';

const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

describe('runOpener', () => {
  it('reports an opener that exits with an error', async () => {
    await expect(runOpener('sh', ['-c', 'exit 3'], { trustExitCode: true, env })).rejects.toThrow(/could not open it \(exit code 3\)/);
  });

  it('succeeds when the opener exits cleanly', async () => {
    await expect(runOpener('sh', ['-c', 'exit 0'], { trustExitCode: true, env })).resolves.toBeUndefined();
  });

  it('takes an opener that keeps running (a file manager window) as success', async () => {
    const started = Date.now();
    await expect(runOpener('sleep', ['5'], { trustExitCode: true, env })).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(4500);
  });

  it('reports an opener that is not installed', async () => {
    await expect(runOpener('kiln-no-such-opener', [], { trustExitCode: true, env })).rejects.toThrow(/Could not run kiln-no-such-opener/);
  });

  it('ignores the exit code where the OS opener lies about it (explorer.exe)', async () => {
    await expect(runOpener('sh', ['-c', 'exit 1'], { trustExitCode: false, env })).resolves.toBeUndefined();
  });
});
