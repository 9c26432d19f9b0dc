/**
 * The agent using MCP tools end to end in Node: the real openai SDK against the scripted model
 * server, the real everything server over stdio, the real keychain (scripts/with-keyring.sh),
 * the scrubber, the artifact store and the turn loop.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from '../../../e2e/fixtures/model-server';
import { replayChat } from '../../../shared/chat/reducer';
import type { ChatStreamEvent } from '../../../shared/contract/chat';
import type { McpPermissionRequest } from '../../../shared/contract/mcp';
import { createAgent, type Agent } from '../agent/index';
import { artifactPort, backendsPort, vaultPort } from '../agent/adapters';
import { findPromptsDir } from '../agent/prompts';
import { ArtifactStore } from '../artifacts/store';
import { createTestSupervisor, makeWorkspace } from '../backends/testing';
import type { BackendSupervisor } from '../backends/supervisor';
import { VaultService } from '../vault/vault-service';
import { EVERYTHING, MISBEHAVING, mcpHarness, stdioServer, until, type McpHarness } from './testing';

const SECRET = 'mcp-server-secret-value-7f3a9c';

let model: ModelServer;
let h: McpHarness;
let ws: string;
let agent: Agent;
let supervisor: BackendSupervisor;
let events: ChatStreamEvent[];
let prompts: McpPermissionRequest[][];

beforeAll(async () => {
  model = await startModelServer();
});
afterAll(() => model.close());

beforeEach(async () => {
  model.reset();
  events = [];
  prompts = [];
  ws = await makeWorkspace();
  h = await mcpHarness();
  h.service.onPermissions((pending) => prompts.push(pending));
  await h.service.start();
  const store = new ArtifactStore({ workspaceDir: () => ws });
  const vault = new VaultService({ workspaceDir: () => ws, secrets: h.secrets, antonVaultDir: () => path.join(ws, 'no-anton') });
  supervisor = createTestSupervisor(ws).supervisor;
  agent = createAgent({
    workspaceDir: () => ws,
    promptsDir: findPromptsDir(path.resolve('resources')),
    artifacts: artifactPort(store),
    vault: vaultPort(vault),
    backends: backendsPort(supervisor),
    python: { interpreterFor: async () => '/usr/bin/python3' },
    provider: async () => ({ baseUrl: model.url, model: 'test-model', apiKey: 'sk-kiln-test-provider-key-0000000000' }),
    scrub: (t) => h.scrubber.scrub(t),
    emit: (e) => events.push(e),
    retry: { retries: 1, baseDelayMs: 5, maxDelayMs: 10 },
    limits: { flushMs: 10 },
    mcp: h.service,
  });
});

afterEach(async () => {
  await agent.shutdown();
  await supervisor.stopAll();
  await h.cleanup();
  await fs.rm(ws, { recursive: true, force: true });
});

async function untilFinished(conversationId: string): Promise<void> {
  await until(
    () => events.some((e) => e.conversationId === conversationId && e.event.type === 'turn_finished') && !agent.chat.isRunning(conversationId),
    'the turn to finish',
    60_000,
  );
}

const waitingPrompt = () => until(() => h.service.permissions()[0], 'a permission prompt');

describe('the agent with MCP tools', () => {
  it('calls an MCP tool after Allow once: result in the chat and the next request, the server secret scrubbed', async () => {
    await h.service.save(stdioServer('everything', EVERYTHING, { env: [{ name: 'SERVICE_API_TOKEN', secret: true, value: SECRET }] }));
    await until(async () => (await h.service.list())[0]?.state === 'connected', 'connect');
    model.enqueue(
      { kind: 'tools', calls: [{ id: 'call-env', name: 'everything__get-env', args: {} }] },
      { kind: 'text', text: 'Done.' },
    );
    const { conversationId } = await agent.chat.send(undefined, 'What is in the server environment?');
    const prompt = await waitingPrompt();
    expect(prompt).toMatchObject({ conversationId, callId: 'call-env', server: 'everything', tool: 'get-env', args: '{}' });
    h.service.answerPermission(prompt.id, 'once');
    await untilFinished(conversationId);

    const view = replayChat((await agent.chat.get(conversationId)).entries);
    const tools = view.turns[0]!.blocks.filter((b) => b.kind === 'tool');
    expect(tools[0]).toMatchObject({ name: 'everything__get-env', status: 'ok' });
    expect(tools[0]!.kind === 'tool' && tools[0]!.result).toContain('[MCP_EVERYTHING_ENV_SERVICE_API_TOKEN]');
    // The tool request: offered with the server's schema, next to Kiln's own tools.
    const offered = model.requests[0]!.body.tools!.map((t) => t.function.name);
    expect(offered).toEqual(expect.arrayContaining(['write_file', 'everything__echo', 'everything__get-env']));
    const echoTool = model.requests[0]!.body.tools!.find((t) => t.function.name === 'everything__echo') as unknown as { function: { parameters: { properties: Record<string, unknown> } } };
    const echoSchema = echoTool.function.parameters;
    expect(Object.keys(echoSchema.properties)).toEqual(['message']);
    // The system prompt tells the model about the server and that backends can't call it.
    const system = String(model.requests[0]!.body.messages![0]!.content);
    expect(system).toContain('`everything__echo`');
    expect(system).toContain("Backends and `run_python` can't call MCP tools");
    // The result reached the next model request, scrubbed.
    const toolMessage = model.requests[1]!.body.messages!.find((m) => m.role === 'tool')!;
    expect(String(toolMessage.content)).toContain('[MCP_EVERYTHING_ENV_SERVICE_API_TOKEN]');
    for (const r of model.requests) expect(r.raw).not.toContain(SECRET);
    const log = await fs.readFile(path.join(ws, '.kiln', 'conversations', `${conversationId}.jsonl`), 'utf8');
    expect(log).not.toContain(SECRET);
    expect(log).toContain('SERVICE_API_TOKEN');
  });

  it('Allow once covers the rest of the conversation; Always is remembered', async () => {
    await h.service.save(stdioServer('everything', EVERYTHING));
    await until(async () => (await h.service.list())[0]?.state === 'connected', 'connect');
    model.enqueue(
      { kind: 'tools', calls: [{ id: 'a1', name: 'everything__echo', args: { message: 'one' } }] },
      { kind: 'tools', calls: [{ id: 'a2', name: 'everything__echo', args: { message: 'two' } }] },
      { kind: 'tools', calls: [{ id: 'a3', name: 'everything__get-sum', args: { a: 2, b: 3 } }] },
      { kind: 'text', text: 'ok' },
    );
    const { conversationId } = await agent.chat.send(undefined, 'echo twice then add');
    h.service.answerPermission((await waitingPrompt()).id, 'once');
    const second = await until(() => h.service.permissions().find((p) => p.callId === 'a3'), 'the get-sum prompt');
    h.service.answerPermission(second.id, 'always');
    await untilFinished(conversationId);
    const asked = new Set(prompts.flat().map((p) => p.callId));
    expect([...asked].sort()).toEqual(['a1', 'a3']);
    expect(String(model.requests[3]!.body.messages!.at(-1)!.content)).toContain('5');
    expect((await h.service.list())[0]!.tools.find((t) => t.name === 'get-sum')!.permission).toBe('always');
  });

  it('Deny: the model gets "denied" and the turn goes on; "never" hides the tool', async () => {
    await h.service.save(stdioServer('everything', EVERYTHING));
    await until(async () => (await h.service.list())[0]?.state === 'connected', 'connect');
    model.enqueue({ kind: 'tools', calls: [{ id: 'd1', name: 'everything__echo', args: { message: 'no' } }] }, { kind: 'text', text: 'Understood.' });
    const { conversationId } = await agent.chat.send(undefined, 'echo');
    h.service.answerPermission((await waitingPrompt()).id, 'deny');
    await untilFinished(conversationId);
    const content = String(model.requests[1]!.body.messages!.at(-1)!.content);
    expect(content).toContain('denied');
    expect(JSON.parse(content)).toMatchObject({ success: false });
    const view = replayChat((await agent.chat.get(conversationId)).entries);
    expect(view.turns[0]!.status).toBe('done');
    expect(view.turns[0]!.blocks.at(-1)).toEqual({ kind: 'text', text: 'Understood.' });

    await h.service.setPermission('everything', 'echo', 'never');
    model.enqueue({ kind: 'text', text: 'ok' });
    await untilFinished((await agent.chat.send(conversationId, 'again')).conversationId);
    expect(model.requests.at(-1)!.body.tools!.map((t) => t.function.name)).not.toContain('everything__echo');
  });

  it('MCP data goes into an artifact with write_file in the same turn', async () => {
    await h.service.save(stdioServer('everything', EVERYTHING));
    await until(async () => (await h.service.list())[0]?.state === 'connected', 'connect');
    await h.service.setPermission('everything', 'get-sum', 'always');
    model.enqueue(
      { kind: 'tools', calls: [{ id: 'm1', name: 'everything__get-sum', args: { a: 40, b: 2 } }] },
      { kind: 'tools', calls: [{ name: 'create_artifact', args: { name: 'Sum Report', type: 'html-app', primary: 'index.html' } }] },
      { kind: 'tools', calls: [{ name: 'write_file', args: { slug: '{{resource_id}}', path: 'data/sum.csv', content: 'a,b,sum\n40,2,42\n' } }] },
      { kind: 'text', text: 'Saved the sum as data/sum.csv.' },
    );
    const { conversationId } = await agent.chat.send(undefined, 'Add 40 and 2 with the MCP server and keep the result as CSV');
    await untilFinished(conversationId);
    expect(String(model.requests[1]!.body.messages!.at(-1)!.content)).toContain('42');
    const view = replayChat((await agent.chat.get(conversationId)).entries);
    expect(view.turns[0]!.blocks.filter((b) => b.kind === 'tool').map((b) => b.kind === 'tool' && `${b.name}:${b.status}`)).toEqual([
      'everything__get-sum:ok',
      'create_artifact:ok',
      'write_file:ok',
    ]);
    const card = view.turns[0]!.blocks.find((b) => b.kind === 'artifact');
    const slug = card?.kind === 'artifact' ? card.slug : '';
    const store = new ArtifactStore({ workspaceDir: () => ws });
    expect(await fs.readFile(path.join(store.root(), slug, 'data', 'sum.csv'), 'utf8')).toBe('a,b,sum\n40,2,42\n');
  });

  it('Stop while the prompt waits ends the turn and clears the prompt', async () => {
    await h.service.save(stdioServer('everything', EVERYTHING));
    await until(async () => (await h.service.list())[0]?.state === 'connected', 'connect');
    model.enqueue({ kind: 'tools', calls: [{ id: 's1', name: 'everything__echo', args: { message: 'x' } }] });
    const { conversationId } = await agent.chat.send(undefined, 'echo');
    await waitingPrompt();
    await agent.chat.stop(conversationId);
    expect(h.service.permissions()).toEqual([]);
    const view = replayChat((await agent.chat.get(conversationId)).entries);
    expect(view.turns[0]!.status).toBe('stopped');
  });

  it('a server that dies mid-call gives the model a clear error, and the turn goes on', async () => {
    await h.service.save(stdioServer('bad', MISBEHAVING));
    await until(async () => (await h.service.list())[0]?.state === 'connected', 'connect');
    for (const t of ['crash', 'env']) await h.service.setPermission('bad', t, 'always');
    model.enqueue(
      { kind: 'tools', calls: [{ id: 'k1', name: 'bad__crash', args: {} }] },
      { kind: 'tools', calls: [{ id: 'k2', name: 'bad__env', args: {} }] },
      { kind: 'text', text: 'Recovered.' },
    );
    const { conversationId } = await agent.chat.send(undefined, 'crash it');
    await untilFinished(conversationId);
    const crash = String(model.requests[1]!.body.messages!.at(-1)!.content);
    expect(crash).toContain('stopped while');
    const env = JSON.parse(String(model.requests[2]!.body.messages!.at(-1)!.content)) as { success: boolean };
    expect(env.success).toBe(true);
    const view = replayChat((await agent.chat.get(conversationId)).entries);
    expect(view.turns[0]!.status).toBe('done');
  });
});
