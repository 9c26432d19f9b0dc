/**
 * Chat stream overhead. The scripted model server streams one token per SSE chunk at a fixed
 * rate; we measure, per chunk, the time from the server writing it to its token being in the
 * DOM, through Kiln (web host main → batching → log → WebSocket → reducer → React/markdown),
 * and through a direct-render baseline page in the same browser that reads the same SSE stream
 * itself and appends the text to one text node. Also main-process CPU per 1,000 deltas (web
 * host /proc stat) against the openai SDK alone consuming the same stream in this process,
 * and page responsiveness (long tasks, worst frame gap).
 *
 * Run: npm run build && node scripts/run-ts.mjs bench/chat-stream.ts [--tokens 4000] [--rate 200]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { startModelServer, type ModelServer } from '../e2e/fixtures/model-server';
import { startBenchHost, type BenchHost } from './fixtures/web-host';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const TOKENS = arg('tokens', 4000);
const RATE = arg('rate', 200);
const delayMs = 1000 / RATE;

/** `t0 t1 …` with a paragraph break every 40 tokens, one token per chunk. */
function script(n: number): { text: string; pieces: string[] } {
  const pieces: string[] = [];
  for (let i = 0; i < n; i++) pieces.push(`t${i}${(i + 1) % 40 === 0 ? '\n\n' : ' '}`);
  return { text: pieces.join(''), pieces };
}

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line (11 and 12 after the name).
  return Number(fields[11]) + Number(fields[12]);
}
const TICK_MS = 10; // USER_HZ is 100 on Linux.

/** Installed in the page: records when each token index first appears in the observed element. */
const OBSERVER = `
window.__seen = [];
window.__longTasks = 0;
window.__maxGap = 0;
(() => {
  let max = -1;
  const check = () => {
    const blocks = document.querySelectorAll(window.__blockSelector);
    const last = blocks[blocks.length - 1];
    if (!last) return;
    const text = last.textContent || '';
    const m = /t(\\d+)\\s*$/.exec(text);
    if (!m) return;
    const idx = Number(m[1]);
    if (idx > max) {
      const at = performance.timeOrigin + performance.now();
      for (let i = max + 1; i <= idx; i++) window.__seen[i] = at;
      max = idx;
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
  try { new PerformanceObserver((l) => { window.__longTasks += l.getEntries().length; }).observe({ type: 'longtask', buffered: true }); } catch {}
  let prev = performance.now();
  const frame = (t) => { window.__maxGap = Math.max(window.__maxGap, t - prev); prev = t; requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
})();
`;

/** The baseline: read the SSE stream in the page, append each delta to one text node. */
const DIRECT_RENDER = (url: string): string => `(async () => {
  const res = await fetch(${JSON.stringify(`${url}/chat/completions`)}, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'bench-model', stream: true, messages: [{ role: 'user', content: 'go' }] }),
  });
  const node = document.createTextNode('');
  document.getElementById('out').appendChild(node);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += decoder.decode(value, { stream: true });
    let i;
    while ((i = buf.indexOf('\\n\\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 2);
      if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
      const content = JSON.parse(line.slice(6)).choices?.[0]?.delta?.content;
      if (content) node.data += content;
    }
  }
})()`;

interface RunResult {
  p50: number;
  p95: number;
  last: number;
  longTasks: number;
  maxFrameGapMs: number;
  cpuMsPer1000?: number;
}

async function collect(page: Page, model: ModelServer, n: number): Promise<RunResult> {
  const end = Date.now() + 300_000;
  for (;;) {
    const count = (await page.evaluate('window.__seen.length')) as number;
    if (count >= n) break;
    if (Date.now() > end) throw new Error(`only ${count} of ${n} tokens reached the DOM`);
    if (process.env.KILN_BENCH_DEBUG) process.stderr.write(`${count} `);
    await new Promise((r) => setTimeout(r, 1000));
  }
  const seen = (await page.evaluate('window.__seen')) as number[];
  const stats = (await page.evaluate('({ longTasks: window.__longTasks, maxGap: window.__maxGap })')) as { longTasks: number; maxGap: number };
  const written = model.chunkTimes.at(-1)!.map((t) => t + performance.timeOrigin);
  const lat = written.map((w, i) => seen[i]! - w);
  return { p50: pct(lat, 50), p95: pct(lat, 95), last: lat[lat.length - 1]!, longTasks: stats.longTasks, maxFrameGapMs: stats.maxGap };
}

async function startWebHost(model: ModelServer, dir: string): Promise<BenchHost> {
  const userData = path.join(dir, 'user-data');
  mkdirSync(userData, { recursive: true });
  writeFileSync(
    path.join(userData, 'settings.json'),
    JSON.stringify({ provider: { preset: 'custom', baseUrl: model.url, model: 'bench-model' }, ui: { firstRunDone: true } }),
  );
  return startBenchHost({ workspace: path.join(dir, 'workspace'), userData, env: { OPENAI_API_KEY: 'sk-bench-0000000000000000000000' } });
}

/** The openai SDK alone consuming the same stream, in its own process (its CPU only). */
async function sdkOnlyCpu(model: ModelServer, pieces: string[]): Promise<number> {
  model.enqueue({ kind: 'text', text: pieces.join(''), pieces, delayMs });
  const code = `
    import OpenAI from 'openai';
    const client = new OpenAI({ baseURL: ${JSON.stringify(model.url)}, apiKey: 'sk-bench', maxRetries: 0 });
    const before = process.cpuUsage();
    const stream = await client.chat.completions.create({ model: 'bench-model', messages: [{ role: 'user', content: 'go' }], stream: true });
    let n = 0;
    for await (const chunk of stream) if (chunk.choices[0]?.delta?.content) n++;
    const used = process.cpuUsage(before);
    process.stdout.write(String(((used.user + used.system) / 1000 / n) * 1000));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((r) => child.once('exit', () => r()));
  return Number(out);
}

async function main(): Promise<void> {
  // A hung browser must not hang CI: give up after 10 minutes.
  setTimeout(() => {
    process.stderr.write('chat-stream benchmark timed out\n');
    process.exit(1);
  }, 600_000).unref();
  const { text, pieces } = script(TOKENS);
  const model = await startModelServer();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kiln-bench-chat-'));
  const browser = await chromium.launch({
    executablePath: process.env.KILN_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const host = await startWebHost(model, dir);
  try {
    // 1. Baseline: the page reads the SSE stream itself and appends to one text node.
    const base = await browser.newPage();
    await base.setContent('<div id="out"></div>');
    await base.evaluate(`window.__blockSelector = '#out'; ${OBSERVER}`);
    model.enqueue({ kind: 'text', text, pieces, delayMs });
    // Not awaited: the stream runs while collect() watches the DOM.
    void base.evaluate(DIRECT_RENDER(model.url));
    const baseline = await collect(base, model, TOKENS);
    process.stderr.write(`baseline done\n`);
    await base.close();

    // 2. Kiln: the same stream through the web host and the chat UI.
    // Kiln's CSP forbids eval; the measuring script is injected by the test harness only.
    const page = await browser.newPage({ bypassCSP: true });
    page.on('crash', () => process.stderr.write('page crashed\n'));
    page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`));
    await page.addInitScript(`window.__blockSelector = '.turn:last-child .md-block'; ${OBSERVER}`);
    await page.goto(host.url);
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    model.enqueue({ kind: 'text', text, pieces, delayMs });
    // Measure the stream, not the app's start-up.
    await page.evaluate('window.__maxGap = 0; window.__longTasks = 0');
    const cpuBefore = cpuTicks(host.child.pid!);
    await page.getByRole('textbox', { name: 'Message' }).fill('go');
    await page.getByRole('textbox', { name: 'Message' }).press('Enter');
    const kiln = await collect(page, model, TOKENS);
    await page.getByRole('button', { name: 'Send' }).waitFor();
    kiln.cpuMsPer1000 = ((cpuTicks(host.child.pid!) - cpuBefore) * TICK_MS * 1000) / TOKENS;
    await page.close();

    // 3. CPU baseline: the openai SDK alone consuming the same stream in this process.
    const sdkCpu = await sdkOnlyCpu(model, pieces);

    const cpuModel = os.cpus()[0]?.model ?? 'unknown';
    const f = (n: number | undefined): string => (n === undefined ? '–' : n.toFixed(1));
    const lines = [
      `# Chat stream overhead`,
      ``,
      `${TOKENS} tokens, one per SSE chunk, at ${RATE} tokens/s. Latency = server wrote the chunk → its token is in the DOM.`,
      ``,
      `| path | p50 ms | p95 ms | last chunk ms | long tasks | worst frame gap ms | main CPU ms / 1,000 deltas |`,
      `|---|---|---|---|---|---|---|`,
      `| direct render (baseline) | ${f(baseline.p50)} | ${f(baseline.p95)} | ${f(baseline.last)} | ${baseline.longTasks} | ${f(baseline.maxFrameGapMs)} | ${f(sdkCpu)} (openai SDK alone) |`,
      `| Kiln (web host → chat UI) | ${f(kiln.p50)} | ${f(kiln.p95)} | ${f(kiln.last)} | ${kiln.longTasks} | ${f(kiln.maxFrameGapMs)} | ${f(kiln.cpuMsPer1000)} |`,
      ``,
      `Ratio Kiln / baseline: p50 ×${(kiln.p50 / baseline.p50).toFixed(1)}, p95 ×${(kiln.p95 / baseline.p95).toFixed(1)}, CPU ×${((kiln.cpuMsPer1000 ?? 0) / sdkCpu).toFixed(1)}.`,
      ``,
      `Machine: ${os.cpus().length} CPUs (${cpuModel}), ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, node ${process.version}.`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await host.stop();
    await browser.close();
    await model.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
