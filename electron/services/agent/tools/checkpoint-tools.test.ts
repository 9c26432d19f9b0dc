/** The agent's list_checkpoints / restore_checkpoint through the registry, with the real store and history. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { historyFixture } from '../../history/test-helpers';
import { agentCheckpointsPort } from '../../history/wiring';
import { artifactPort } from '../adapters';
import { checkpointTools } from './checkpoint-tools';
import { fileTools } from './file-tools';
import { ToolRegistry } from './registry';
import type { ToolContext, ToolResult } from './types';

let f: Awaited<ReturnType<typeof historyFixture>>;
let registry: ToolRegistry;
let slug: string;

const ctx = (): ToolContext => ({
  conversationId: 'c-1',
  turnId: 't-1',
  signal: new AbortController().signal,
  touch: () => undefined,
  showArtifact: () => undefined,
  proposePublish: () => undefined,
});
const call = (name: string, args: Record<string, unknown>): Promise<ToolResult> => registry.execute(name, JSON.stringify(args), ctx());

beforeEach(async () => {
  f = await historyFixture();
  registry = new ToolRegistry([...fileTools(artifactPort(f.store)), ...checkpointTools(agentCheckpointsPort(f.history, f.scheduler))]);
  slug = (await f.store.create({ name: 'Dash', type: 'html-app', primary: 'index.html' })).slug;
});
afterEach(async () => {
  await f.cleanup();
});

describe('checkpoint tools', () => {
  it('let the model list checkpoints and roll back its own broken change, during its turn', async () => {
    await call('write_file', { slug, path: 'index.html', content: '<p>good</p>' });
    await f.history.checkpoint(slug, { by: 'agent', turnId: 't-0' });
    await call('write_file', { slug, path: 'index.html', content: '<p>broken' });
    await f.history.checkpoint(slug, { by: 'agent', turnId: 't-1' });

    f.scheduler.turnStarted(); // the model calls the tool inside its own turn: not refused
    const list = await call('list_checkpoints', { slug, limit: 5 });
    expect(list.success).toBe(true);
    const checkpoints = list.checkpoints as { id: string; by: string; summary: string; paths: string[] }[];
    expect(checkpoints.map((c) => c.summary)).toEqual(['Agent turn: index.html', 'Agent turn: index.html']);
    expect(checkpoints[1]!.paths).toEqual(['added index.html']);

    const restored = await call('restore_checkpoint', { slug, checkpoint: checkpoints[1]!.id.slice(0, 8) });
    expect(restored).toMatchObject({ success: true, resource_id: slug });
    expect(await fs.readFile(path.join(await f.store.dir(slug), 'index.html'), 'utf8')).toBe('<p>good</p>');
    await f.scheduler.turnFinished({ conversationId: 'c-1', turnId: 't-1', status: 'done', touched: [] });
  });

  it('answers a wrong id or an artifact without history with a message the model can act on', async () => {
    expect(await call('list_checkpoints', { slug })).toMatchObject({ success: true, message: `"${slug}" has no checkpoints yet.` });
    const bad = await call('restore_checkpoint', { slug, checkpoint: 'abcdef12' });
    expect(bad).toMatchObject({ success: false });
    expect(bad.message).toMatch(/no checkpoint abcdef12.*List them again/);
    expect(await call('restore_checkpoint', { slug, checkpoint: 'HEAD~1' })).toMatchObject({ success: false });
  });
});
