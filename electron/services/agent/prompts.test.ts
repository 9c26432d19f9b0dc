import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPromptsDir, renderPrompt } from './prompts';

const dir = findPromptsDir(path.resolve('resources'));

describe('system prompt', () => {
  it('renders with a sample state: datasources by env-var name, artifacts, both guides', async () => {
    const text = await renderPrompt(dir, 'system', {
      date: '2026-06-01',
      datasources: [
        { slug: 'postgres-7e8971c3', label: 'Warehouse', envNames: ['DS_POSTGRES_7E8971C3__HOST', 'DS_POSTGRES_7E8971C3__PASSWORD'] },
      ],
      artifacts: [{ slug: 'sales-1a2b3c4d', name: 'Sales', type: 'html-app' }],
    });
    expect(text).toContain('2026-06-01');
    expect(text).toContain('`postgres-7e8971c3` (Warehouse): `DS_POSTGRES_7E8971C3__HOST`, `DS_POSTGRES_7E8971C3__PASSWORD`');
    expect(text).toContain('`sales-1a2b3c4d` — Sales (html-app)');
    // The backend contract (anton-format §4) and the dashboard guide are pulled in.
    expect(text).toContain('SECRETS');
    expect(text).toContain('lifespan="off"');
    expect(text).toContain('--port');
    expect(text).toContain('<meta name="api-base" content="">');
    expect(text).toContain('HTML dashboards');
    expect(text).toContain('`restore_checkpoint`'); // the model knows it can roll back its own change
    // Describe first, then query, then a backend reading DS_* (the datasource workflow).
    expect(text).toMatch(/`describe_datasource` first[\s\S]*`query_datasource` next[\s\S]*`backend\.py`[\s\S]*`DS_\*`/);
    expect(text).not.toMatch(/\{\{/);
  });

  it('says so when nothing is connected or built yet', async () => {
    const text = await renderPrompt(dir, 'system', { date: '2026-06-01', datasources: [], artifacts: [] });
    expect(text).toContain('No datasources are connected');
    expect(text).toContain('None yet.');
  });

  it('fails with a clear sentence when a prompt file is missing', async () => {
    await expect(renderPrompt('/nonexistent', 'system', { date: '', datasources: [], artifacts: [] })).rejects.toMatchObject({
      code: 'IO',
      message: expect.stringContaining('system.md'),
    });
  });
});

describe('prompt cache', () => {
  it('reads a prompt file once, and again only after it was edited', async () => {
    const { promises: fs } = await import('node:fs');
    const os = await import('node:os');
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-prompts-'));
    try {
      await fs.writeFile(path.join(tmp, 'system.md'), 'Version one {{date}}');
      const when = new Date('2026-11-30T12:00:00Z');
      await fs.utimes(path.join(tmp, 'system.md'), when, when);
      const state = { date: 'today', datasources: [], artifacts: [] };
      expect(await renderPrompt(tmp, 'system', state)).toBe('Version one today');
      // Same size and mtime: served from the cache, not read again (proved by changing the
      // bytes behind its back while keeping size and mtime).
      await fs.writeFile(path.join(tmp, 'system.md'), 'Version ONE {{date}}');
      await fs.utimes(path.join(tmp, 'system.md'), when, when);
      expect(await renderPrompt(tmp, 'system', state)).toBe('Version one today');
      // An edit (development: someone changes the prompt) is picked up on the next turn.
      await fs.writeFile(path.join(tmp, 'system.md'), 'Version two, longer {{date}}');
      await fs.utimes(path.join(tmp, 'system.md'), when, new Date(when.getTime() + 5000));
      expect(await renderPrompt(tmp, 'system', state)).toBe('Version two, longer today');
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  });
});
