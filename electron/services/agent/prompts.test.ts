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
