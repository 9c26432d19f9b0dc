import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fitToDisplays, loadWindowBounds, saveWindowBounds } from './window-state';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-window-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('window size and position', () => {
  it('are remembered across restarts', async () => {
    await saveWindowBounds(dir, { x: 120, y: 80, width: 1400, height: 900, maximized: false });
    expect(await loadWindowBounds(dir)).toEqual({ x: 120, y: 80, width: 1400, height: 900, maximized: false });
  });

  it('fall back to defaults for a missing, corrupt or absurd file', async () => {
    expect(await loadWindowBounds(dir)).toBeNull();
    await fs.writeFile(path.join(dir, 'window-state.json'), '{"x": 1,');
    expect(await loadWindowBounds(dir)).toBeNull();
    await fs.writeFile(path.join(dir, 'window-state.json'), JSON.stringify({ x: 0, y: 0, width: 10, height: 10 }));
    expect(await loadWindowBounds(dir)).toBeNull();
  });

  it('are dropped when the window would open on a display that is gone', () => {
    const laptop = [{ x: 0, y: 0, width: 1440, height: 900 }];
    expect(fitToDisplays({ x: 100, y: 100, width: 1200, height: 800, maximized: false }, laptop)).not.toBeNull();
    expect(fitToDisplays({ x: 2600, y: 100, width: 1200, height: 800, maximized: false }, laptop)).toBeNull();
  });
});

describe.runIf(process.platform !== 'win32')('window-state.json on disk', () => {
  it('is mode 0600 and its user-data folder 0700, tightened from wider modes on save', async () => {
    await fs.chmod(dir, 0o755);
    await fs.writeFile(path.join(dir, 'window-state.json'), '{}', { mode: 0o644 });
    await saveWindowBounds(dir, { x: 10, y: 10, width: 900, height: 700, maximized: false });
    expect(((await fs.stat(path.join(dir, 'window-state.json'))).mode & 0o777).toString(8)).toBe('600');
    expect(((await fs.stat(dir)).mode & 0o777).toString(8)).toBe('700');
  });
});
