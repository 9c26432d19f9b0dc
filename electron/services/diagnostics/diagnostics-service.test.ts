import { describe, expect, it } from 'vitest';
import { KilnError } from '../../../shared/contract/core';
import { Scrubber } from '../vault/scrubber';
import { DiagnosticsService, type DiagnosticsDeps } from './diagnostics-service';

const info = {
  name: 'Kiln', version: '0.1.0', platform: 'linux', arch: 'x64', runtime: 'web' as const,
  versions: { node: process.versions.node }, workspace: '/home/ana/Kiln', userData: '/home/ana/.config/Kiln',
};

function deps(over: Partial<DiagnosticsDeps> = {}): DiagnosticsDeps {
  return {
    appInfo: () => info,
    findPython: async () => ({ path: '/usr/bin/python3', version: '3.11.2', source: 'setting' }),
    keychain: async () => ({ available: true }),
    backends: () => [],
    notices: () => [],
    scrub: (t) => t,
    ...over,
  };
}

describe('DiagnosticsService', () => {
  it('makes and runs a throwaway venv with the real interpreter', async () => {
    const check = await new DiagnosticsService(deps()).checkPython({ venv: true });
    expect(check).toMatchObject({ found: true, path: '/usr/bin/python3', venvWorks: true });
    expect(check.problem).toBeUndefined();
  });

  it('says how to fix a missing interpreter', async () => {
    const d = new DiagnosticsService(deps({ findPython: async () => { throw new KilnError('NOT_FOUND', 'Python 3.9+ not found — set its path in Settings → Python'); } }));
    await expect(d.checkPython({ venv: true })).resolves.toEqual({ found: false, venvWorks: null, problem: 'Python 3.9+ not found — set its path in Settings → Python' });
  });

  it('reports a Python whose venv module is broken, with the fix', async () => {
    // A "python" that answers but can't make a venv: /bin/false exits 1 for everything.
    const d = new DiagnosticsService(deps({ findPython: async () => ({ path: '/bin/false', version: '3.11.0', source: 'setting' }) }));
    const check = await d.checkPython({ venv: true });
    expect(check.venvWorks).toBe(false);
    expect(check.problem).toMatch(/apt install python3-venv/);
  });

  it('lists running backends and recent problems, and scrubs the copied text', async () => {
    const scrubber = new Scrubber();
    scrubber.register('DS_POSTGRES_AB12CD34__PASSWORD', 'hunter2-very-secret');
    const d = new DiagnosticsService(deps({
      keychain: async () => ({ available: false, problem: 'No Secret Service: install and unlock gnome-keyring.' }),
      backends: () => [{ slug: 'sales-app-1a2b3c4d', state: 'crashed', error: 'exited with code 1' }],
      notices: () => [
        { id: '1', level: 'info', message: 'fine', at: '2026-11-25T10:00:00Z' },
        { id: '2', level: 'error', message: 'Backend crashed: password hunter2-very-secret rejected', at: '2026-11-25T10:01:00Z' },
      ],
      scrub: (t) => scrubber.scrub(t),
    }));
    const report = await d.collect();
    expect(report.backends).toEqual([{ slug: 'sales-app-1a2b3c4d', state: 'crashed', error: 'exited with code 1' }]);
    expect(report.recentErrors.map((n) => n.id)).toEqual(['2']);
    const text = await d.text();
    expect(text).toContain('Keychain: not available');
    expect(text).toContain('sales-app-1a2b3c4d: crashed');
    expect(text).toContain('[DS_POSTGRES_AB12CD34__PASSWORD]');
    expect(text).not.toContain('hunter2-very-secret');
  });
});
