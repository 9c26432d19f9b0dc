import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LiveReload } from '../../backends/live-reload';
import type { BackendSupervisor } from '../../backends/supervisor';
import { addArtifact, createTestSupervisor, makeWorkspace } from '../../backends/testing';
import { artifactPort, backendsPort } from '../adapters';
import type { AgentPython, AgentVault } from '../ports';
import { PythonScratchpads } from '../python-scratchpad';
import { fileTools } from './file-tools';
import { ToolRegistry } from './registry';
import { runTools } from './run-tools';
import type { ToolContext, ToolResult } from './types';

const SLUG = 'live-app';
const ctx = (): ToolContext => ({
  conversationId: 'c',
  turnId: 't',
  signal: new AbortController().signal,
  touch: () => undefined,
  showArtifact: () => undefined,
  proposePublish: () => undefined,
});

describe('write_file and backend_status report the live reload of a running backend', () => {
  let ws: string;
  let supervisor: BackendSupervisor;
  let live: LiveReload;
  let registry: ToolRegistry;
  let original: string;
  const call = (name: string, args: Record<string, unknown>): Promise<ToolResult> => registry.execute(name, JSON.stringify(args), ctx());

  beforeEach(async () => {
    ws = await makeWorkspace();
    const dir = await addArtifact(ws, 'live-app', SLUG);
    original = await fs.readFile(path.join(dir, 'backend.py'), 'utf8');
    const made = createTestSupervisor(ws);
    supervisor = made.supervisor;
    live = new LiveReload({ onChanged: (l) => made.artifacts.onChanged(l), backends: supervisor, stateFile: () => path.join(ws, '.kiln', 'state', 'live-reload.json') });
    const backends = backendsPort(supervisor, live);
    // backend_status and write_file never reach the vault or the scratchpad interpreter.
    const unused = {} as AgentVault & AgentPython;
    registry = new ToolRegistry([
      ...fileTools(artifactPort(made.artifacts), backends),
      ...runTools({ artifacts: artifactPort(made.artifacts), vault: unused, backends, python: unused, scratchpads: new PythonScratchpads() }),
    ]);
  });

  afterEach(async () => {
    live.dispose();
    await supervisor.stopAll();
    await fs.rm(ws, { recursive: true, force: true });
  });

  it('says the backend restarted, or that it did not with the traceback; backend_status says the same', async () => {
    // Not running: a plain write.
    expect((await call('write_file', { slug: SLUG, path: 'backend.py', content: original })).message).toBe(`Wrote backend.py (${Buffer.byteLength(original)} bytes).`);

    await supervisor.launch(SLUG);
    const good = await call('write_file', { slug: SLUG, path: 'backend.py', content: original.replace('"v1"', '"v2"') });
    expect(good).toMatchObject({ success: true, details: { state: 'running', reload: 'restarted' } });
    expect(good.message).toMatch(/restarted with the new code/);

    const bad = await call('write_file', { slug: SLUG, path: 'backend.py', content: original.replace('import argparse', 'def broken(:\n    pass\nimport argparse') });
    expect(bad.success).toBe(true); // the file was written
    expect(bad.message).toMatch(/did NOT reload.*previous version keeps serving/);
    expect(bad.details).toMatchObject({ reload: 'failed', log_tail: expect.stringContaining('SyntaxError') });

    const status = await call('backend_status', { slug: SLUG });
    expect(status).toMatchObject({ success: false, details: { state: 'running', reload: 'failed', log_tail: expect.stringContaining('SyntaxError') } });
    expect(status.message).toMatch(/failed to start.*previous version is still running/);

    // A static file never waits for a restart.
    expect((await call('write_file', { slug: SLUG, path: 'static/extra.css', content: 'b{}' })).message).toBe('Wrote static/extra.css (3 bytes).');
  });
});
