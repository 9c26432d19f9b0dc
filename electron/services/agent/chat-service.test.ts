/**
 * The agent end to end in Node: the real openai SDK against the scripted model server (real
 * HTTP), the real artifact store, vault (real keychain: run inside scripts/with-keyring.sh),
 * scrubber, Python and backend supervisor, on a temp workspace.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from '../../../e2e/fixtures/model-server';
import { FULLSTACK_MARKER, fullstackScript } from '../../../e2e/fixtures/model-scripts/fullstack';
import type { ChatStreamEvent } from '../../../shared/contract/chat';
import { replayChat } from '../../../shared/chat/reducer';
import { ArtifactStore } from '../artifacts/store';
import { createTestSupervisor, makeWorkspace } from '../backends/testing';
import type { BackendSupervisor } from '../backends/supervisor';
import { Scrubber } from '../vault/scrubber';
import { KeychainSecretStore } from '../vault/secret-store';
import { Secrets } from '../vault/secrets';
import { VaultService } from '../vault/vault-service';
import { artifactPort, backendsPort, vaultPort } from './adapters';
import { SUMMARY_REQUEST } from './chat-service';
import { createAgent, type Agent } from './index';
import { findPromptsDir } from './prompts';

let model: ModelServer;
let ws: string;
let agent: Agent;
let store: ArtifactStore;
let vault: VaultService;
let scrubber: Scrubber;
let keychain: KeychainSecretStore;
let supervisor: BackendSupervisor;
let events: ChatStreamEvent[];

beforeAll(async () => {
  model = await startModelServer();
});
afterAll(() => model.close());

function build(limits: Partial<{ maxRounds: number; maxToolResultChars: number }> = {}): Agent {
  return createAgent({
    workspaceDir: () => ws,
    promptsDir: findPromptsDir(path.resolve('resources')),
    artifacts: artifactPort(store),
    vault: vaultPort(vault),
    backends: backendsPort(supervisor),
    // The system interpreter sees Debian's FastAPI; venvs are the backend engineer's to test.
    python: { interpreterFor: async () => '/usr/bin/python3' },
    provider: async () => ({ baseUrl: model.url, model: 'test-model', apiKey: 'sk-kiln-test-provider-key-0000000000' }),
    scrub: (t) => scrubber.scrub(t),
    emit: (e) => events.push(e),
    retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 10 },
    limits: { flushMs: 10, ...limits },
  });
}

beforeEach(async () => {
  model.reset();
  events = [];
  ws = await makeWorkspace();
  store = new ArtifactStore({ workspaceDir: () => ws });
  scrubber = new Scrubber();
  keychain = new KeychainSecretStore({ keychainService: `KilnAgentTest-${randomBytes(4).toString('hex')}` });
  vault = new VaultService({ workspaceDir: () => ws, secrets: new Secrets(keychain, { scrubber }), antonVaultDir: () => path.join(ws, 'no-anton') });
  supervisor = createTestSupervisor(ws).supervisor;
  agent = build();
});

afterEach(async () => {
  try {
    await agent.shutdown();
    await supervisor.stopAll();
    for (const account of await keychain.accounts()) await keychain.delete(account);
  } finally {
    // Also when the keychain is missing (the run outside with-keyring.sh fails, and leaves nothing).
    await fs.rm(ws, { recursive: true, force: true });
  }
});

async function untilFinished(conversationId: string): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if (events.some((e) => e.conversationId === conversationId && e.event.type === 'turn_finished') && !agent.chat.isRunning(conversationId)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('turn did not finish');
}

describe('chat turn loop', () => {
  it('streams a plain answer: events are logged, live view equals the replayed log', async () => {
    model.enqueue({ kind: 'text', text: 'Hello! '.repeat(40), chunkSize: 3, usage: { prompt_tokens: 50, completion_tokens: 80 } });
    const { conversationId } = await agent.chat.send(undefined, 'Say hello');
    await untilFinished(conversationId);

    const live = replayChat(events.filter((e) => e.conversationId === conversationId));
    const { entries, summary } = await agent.chat.get(conversationId);
    expect(replayChat(entries)).toEqual(live);
    const turn = live.turns[0]!;
    expect(turn.status).toBe('done');
    expect(turn.blocks).toEqual([{ kind: 'text', text: 'Hello! '.repeat(40) }]);
    expect(turn.usage).toEqual({ promptTokens: 50, completionTokens: 80, totalTokens: 130 });
    // Deltas are batched: far fewer events than the ~94 chunks the server sent.
    expect(entries.filter((e) => e.event.type === 'text_delta').length).toBeLessThan(60);
    expect(summary.title).toBe('Say hello');
    const request = model.requests[0]!.body;
    expect(request.messages![0]!.role).toBe('system');
    expect(request.messages![1]).toEqual({ role: 'user', content: 'Say hello' });
    expect(request.tools!.map((t) => t.function.name).sort()).toEqual(
      [
        'backend_logs', 'backend_status', 'create_artifact', 'launch_backend', 'list_artifacts', 'list_files', 'open_artifact',
        'propose_publish', 'read_file', 'run_python', 'stop_backend', 'update_artifact', 'write_file',
      ].sort(),
    );
  });

  it('builds and launches a fullstack artifact; provenance records the files touched', async () => {
    model.enqueue(...fullstackScript());
    const { conversationId } = await agent.chat.send(undefined, 'Build me an app that shows the answer');
    await untilFinished(conversationId);
    const view = replayChat((await agent.chat.get(conversationId)).entries);
    const turn = view.turns[0]!;
    expect(turn.error).toBeNull();
    expect(turn.status).toBe('done');
    const tools = turn.blocks.filter((b) => b.kind === 'tool');
    expect(tools.map((b) => b.kind === 'tool' && `${b.name}:${b.status}`)).toEqual([
      'create_artifact:ok', 'write_file:ok', 'write_file:ok', 'write_file:ok', 'launch_backend:ok',
    ]);
    const card = turn.blocks.find((b) => b.kind === 'artifact');
    expect(card).toMatchObject({ kind: 'artifact', name: 'Answer App', artifactType: 'fullstack-stateless-app' });
    const slug = card!.kind === 'artifact' ? card!.slug : '';

    const status = supervisor.status(slug);
    expect(status.state).toBe('running');
    const page = await (await fetch(`http://127.0.0.1:${status.port}/`)).text();
    expect(page).toContain(FULLSTACK_MARKER);
    expect(await (await fetch(`http://127.0.0.1:${status.port}/api/answer`)).json()).toEqual({ answer: 42 });

    const record = await store.open(slug);
    expect(record.provenance).toHaveLength(1);
    expect(record.provenance[0]).toMatchObject({ conversation: conversationId });
    expect(record.provenance[0]!.turns[0]).toMatchObject({
      index: 0,
      summary: 'Build me an app that shows the answer',
      files_touched: ['backend.py', 'requirements.txt', 'static/index.html'],
    });
    expect(turn.blocks.at(-1)).toEqual({ kind: 'text', text: 'Your **Answer App** is running. Open it from the card above.' });
  });

  it('never sends a vault secret to the model, even when a tool prints it', async () => {
    const secret = 'Hunter2-very-secret-pw';
    const ds = await vault.create({ engine: 'postgres', label: 'Warehouse', fields: { host: 'db.internal', database: 'sales', user: 'analyst', password: secret } });
    const pwVar = `DS_POSTGRES_${ds.name.toUpperCase()}__PASSWORD`;
    model.enqueue(
      { kind: 'tools', calls: [{ name: 'create_artifact', args: { name: 'Probe', type: 'html-app' } }] },
      { kind: 'tools', calls: [{ name: 'update_artifact', args: { slug: '{{resource_id}}', datasources: [ds.slug] } }] },
      {
        kind: 'tools',
        // The second print puts the secret at the start of a line: in JSON text it follows "\n".
        calls: [{ name: 'run_python', args: { slug: '{{resource_id}}', code: `import os\nprint("pw is", os.environ["${pwVar}"])\nprint(os.environ["${pwVar}"])\nos.environ` } }],
      },
      { kind: 'text', text: 'Checked.' },
    );
    // The user pastes it too, by mistake.
    const { conversationId } = await agent.chat.send(undefined, `my password is ${secret}, connect it`);
    await untilFinished(conversationId);

    expect(model.requests).toHaveLength(4);
    for (const r of model.requests) expect(r.raw).not.toContain(secret);
    const python = model.requests[3]!.body.messages!.at(-1)!;
    expect(python.role).toBe('tool');
    expect(String(python.content)).toContain(`pw is [${pwVar}]`);
    expect(String(python.content)).toContain(`\\n[${pwVar}]`);
    // The system prompt names the variables, not the values.
    expect(String(model.requests[0]!.body.messages![0]!.content)).toContain(pwVar);
    const log = await fs.readFile(path.join(ws, '.kiln', 'conversations', `${conversationId}.jsonl`), 'utf8');
    expect(log).not.toContain(secret);
  });

  it('turns malformed JSON, unknown tools and bad arguments into tool errors the model sees', async () => {
    model.enqueue(
      {
        kind: 'tools',
        calls: [
          { name: 'write_file', args: '{"slug": "x", "path": ' },
          { name: 'delete_everything', args: {} },
          { name: 'read_file', args: { slug: 'nope', path: '../../etc/passwd' } },
          { name: 'create_artifact', args: { name: 'X', type: 'spreadsheet' } },
        ],
      },
      { kind: 'text', text: 'Sorry, fixed.' },
    );
    const { conversationId } = await agent.chat.send(undefined, 'go');
    await untilFinished(conversationId);
    const results = model.requests[1]!.body.messages!.filter((m) => m.role === 'tool').map((m) => JSON.parse(String(m.content)) as { success: boolean; message: string });
    expect(results.map((r) => r.success)).toEqual([false, false, false, false]);
    expect(results[0]!.message).toMatch(/not valid JSON/);
    expect(results[1]!.message).toMatch(/no tool named "delete_everything"/);
    expect(results[2]!.message.length).toBeGreaterThan(10);
    expect(results[3]!.message).toMatch(/Invalid arguments for create_artifact: type/);
    const view = replayChat((await agent.chat.get(conversationId)).entries);
    expect(view.turns[0]!.status).toBe('done');
  });

  it('truncates long tool results with a note', async () => {
    agent = build({ maxToolResultChars: 2000 });
    model.enqueue(
      { kind: 'tools', calls: [{ name: 'create_artifact', args: { name: 'Big', type: 'html-app' } }] },
      { kind: 'tools', calls: [{ name: 'run_python', args: { slug: '{{resource_id}}', code: 'print("x" * 50000)' } }] },
      { kind: 'text', text: 'ok' },
    );
    const { conversationId } = await agent.chat.send(undefined, 'go');
    await untilFinished(conversationId);
    const tool = String(model.requests[2]!.body.messages!.at(-1)!.content);
    expect(tool.length).toBeLessThan(2300);
    expect(tool).toMatch(/characters cut to fit the limit of 2000/);
  });

  it('Stop cancels the stream at once and keeps what streamed', async () => {
    model.enqueue({ kind: 'text', text: 'word '.repeat(200), chunkSize: 5, delayMs: 5, hangAfter: 30 });
    const { conversationId } = await agent.chat.send(undefined, 'write a lot');
    while (!events.some((e) => e.event.type === 'text_delta')) await new Promise((r) => setTimeout(r, 5));
    expect(await agent.chat.stop(conversationId)).toBe(true);
    const view = replayChat((await agent.chat.get(conversationId)).entries);
    const turn = view.turns[0]!;
    expect(turn.status).toBe('stopped');
    const text = turn.blocks[0]?.kind === 'text' ? turn.blocks[0].text : '';
    expect(text.length).toBeGreaterThan(0);
    expect('word '.repeat(200).startsWith(text)).toBe(true);
    expect(turn.error).toBeNull();
  });

  it('Stop also kills a running tool', async () => {
    model.enqueue(
      { kind: 'tools', calls: [{ name: 'create_artifact', args: { name: 'Slow', type: 'html-app' } }] },
      { kind: 'tools', calls: [{ name: 'run_python', args: { slug: '{{resource_id}}', code: 'import time\ntime.sleep(60)' } }] },
    );
    const { conversationId } = await agent.chat.send(undefined, 'sleep');
    while (!events.some((e) => e.event.type === 'tool_call_started' && e.event.name === 'run_python')) await new Promise((r) => setTimeout(r, 5));
    await agent.chat.stop(conversationId);
    const view = replayChat((await agent.chat.get(conversationId)).entries);
    expect(view.turns[0]!.status).toBe('stopped');
    const python = view.turns[0]!.blocks.find((b) => b.kind === 'tool' && b.name === 'run_python');
    expect(python).toMatchObject({ status: 'error', result: expect.stringContaining('Stopped by the user') });
  });

  it('asks the model to summarise after the round limit, without tools', async () => {
    agent = build({ maxRounds: 3 });
    for (let i = 0; i < 3; i++) model.enqueue({ kind: 'tools', calls: [{ name: 'list_artifacts', args: {} }] });
    model.enqueue({ kind: 'text', text: 'Summary: I listed artifacts three times.' });
    const { conversationId } = await agent.chat.send(undefined, 'loop');
    await untilFinished(conversationId);
    expect(model.requests).toHaveLength(4);
    const last = model.requests[3]!.body;
    expect(last.tools).toBeUndefined();
    expect(last.messages!.at(-1)).toEqual({ role: 'user', content: SUMMARY_REQUEST });
    expect(replayChat((await agent.chat.get(conversationId)).entries).turns[0]!.status).toBe('done');
  });

  it('a 429 then success finishes the turn; a 401 ends it with the key error', async () => {
    model.enqueue({ kind: 'error', status: 429, headers: { 'retry-after-ms': '5' } }, { kind: 'text', text: 'after the wait' });
    const first = await agent.chat.send(undefined, 'hi');
    await untilFinished(first.conversationId);
    const ok = replayChat((await agent.chat.get(first.conversationId)).entries).turns[0]!;
    expect(ok.status).toBe('done');
    expect(ok.blocks).toEqual([{ kind: 'text', text: 'after the wait' }]);
    const retry = events.find((e) => e.event.type === 'retrying')?.event;
    expect(retry).toMatchObject({ attempt: 1, delayMs: 5, reason: expect.stringMatching(/rate-limiting/) });

    events = [];
    model.enqueue({ kind: 'error', status: 401, message: 'Incorrect API key provided' });
    const second = await agent.chat.send(undefined, 'hi again');
    await untilFinished(second.conversationId);
    const bad = replayChat((await agent.chat.get(second.conversationId)).entries).turns[0]!;
    expect(bad.status).toBe('error');
    expect(bad.error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/API key/) });
  });

  it('resumes: the next turn sends the earlier turns (with tool calls and results) as history', async () => {
    model.enqueue(
      { kind: 'tools', text: 'Listing.', calls: [{ name: 'list_artifacts', args: {}, id: 'call_a' }] },
      { kind: 'text', text: 'You have none.' },
      { kind: 'text', text: 'Second answer.' },
    );
    const { conversationId } = await agent.chat.send(undefined, 'what do I have?');
    await untilFinished(conversationId);
    events = [];
    // A fresh agent, as after a restart.
    await agent.shutdown();
    agent = build();
    await agent.chat.send(conversationId, 'thanks');
    await untilFinished(conversationId);
    const msgs = model.requests[2]!.body.messages!.slice(1);
    expect(msgs.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant', 'user']);
    expect(msgs[1]).toMatchObject({ content: 'Listing.', tool_calls: [{ id: 'call_a', function: { name: 'list_artifacts' } }] });
    expect(msgs[2]).toMatchObject({ tool_call_id: 'call_a' });
    expect(msgs[3]).toEqual({ role: 'assistant', content: 'You have none.' });
  });

  it('retry replaces the last turn; edit-and-resend sends the new text', async () => {
    model.enqueue({ kind: 'error', status: 400, message: 'bad' }, { kind: 'text', text: 'worked' }, { kind: 'text', text: 'edited answer' });
    const { conversationId } = await agent.chat.send(undefined, 'first try');
    await untilFinished(conversationId);
    events = [];
    await agent.chat.retry(conversationId);
    await untilFinished(conversationId);
    events = [];
    await agent.chat.retry(conversationId, 'edited question');
    await untilFinished(conversationId);
    const view = replayChat((await agent.chat.get(conversationId)).entries);
    expect(view.turns.map((t) => [t.prompt, t.status])).toEqual([['edited question', 'done']]);
    expect(model.requests[2]!.body.messages!.slice(1)).toEqual([{ role: 'user', content: 'edited question' }]);
  });

  it('a crash mid-turn leaves a readable log; the next start marks the turn interrupted', async () => {
    model.enqueue({ kind: 'text', text: 'partial answer that never ends', chunkSize: 4, hangAfter: 3 });
    const { conversationId } = await agent.chat.send(undefined, 'long one');
    while (!events.some((e) => e.event.type === 'text_delta')) await new Promise((r) => setTimeout(r, 5));
    // "Crash": a new process starts on the same workspace while the old turn never finished.
    const restarted = build();
    expect(await restarted.chat.sealInterrupted()).toBe(1);
    const view = replayChat((await restarted.chat.get(conversationId)).entries);
    expect(view.turns[0]!.status).toBe('interrupted');
    expect(view.turns[0]!.blocks[0]).toMatchObject({ kind: 'text', text: expect.stringContaining('part') });
    await restarted.shutdown();
  });

  it('quitting mid-turn ends the turn as interrupted, keeping the partial answer', async () => {
    model.enqueue({ kind: 'text', text: 'first words and then nothing', chunkSize: 6, hangAfter: 2 });
    const { conversationId } = await agent.chat.send(undefined, 'long one');
    while (!events.some((e) => e.event.type === 'text_delta')) await new Promise((r) => setTimeout(r, 5));
    await agent.shutdown();
    const turn = replayChat((await agent.chat.get(conversationId)).entries).turns[0]!;
    expect(turn.status).toBe('interrupted');
    expect(turn.blocks[0]).toEqual({ kind: 'text', text: 'first words ' });
  });

  it('lists, searches, renames and deletes conversations', async () => {
    model.enqueue({ kind: 'text', text: 'About penguins.' }, { kind: 'text', text: 'About taxes.' });
    const a = await agent.chat.send(undefined, 'tell me about birds');
    await untilFinished(a.conversationId);
    const b = await agent.chat.send(undefined, 'money question');
    await untilFinished(b.conversationId);
    expect((await agent.chat.list()).map((c) => c.id)).toEqual([b.conversationId, a.conversationId]);
    expect((await agent.chat.list('penguin')).map((c) => c.id)).toEqual([a.conversationId]);
    await agent.chat.rename(a.conversationId, 'Birds');
    expect((await agent.chat.list('birds'))[0]!.title).toBe('Birds');
    await agent.chat.delete(b.conversationId);
    expect((await agent.chat.list()).map((c) => c.id)).toEqual([a.conversationId]);
    await expect(agent.chat.send(b.conversationId, 'hello?')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses a second message while a turn is streaming', async () => {
    model.enqueue({ kind: 'text', text: 'slow slow slow', chunkSize: 2, hangAfter: 2 });
    const { conversationId } = await agent.chat.send(undefined, 'one');
    await expect(agent.chat.send(conversationId, 'two')).rejects.toMatchObject({ code: 'CONFLICT' });
    await agent.chat.stop(conversationId);
  });
});
