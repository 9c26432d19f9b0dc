import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { expect, test } from '../fixtures/kiln';

const FIXTURES = path.resolve('e2e/fixtures/backends');

/** Debian has no `mangum`; a stub wheel lets pip satisfy the example's requirements offline. */
function stubWheels(dir: string): string {
  const out = path.join(dir, 'wheels');
  execFileSync('/usr/bin/python3', [path.join(FIXTURES, 'make-stub-wheel.py'), out]);
  return out;
}

/** True when something accepts connections on this loopback port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * The pid of the running backend, from the registry journal (`backends.jsonl`: start, pid, end
 * lines): the newest live entry whose port answers. A spare interpreter waiting for the next
 * live restart (backends/spare.ts) is in the journal too, but listens on nothing yet.
 */
async function backendPid(workspace: string, slug: string): Promise<number> {
  const text = readFileSync(path.join(workspace, '.kiln', 'state', 'backends.jsonl'), 'utf8');
  const live = new Map<string, { slug: string; port: number; pid?: number }>();
  for (const raw of text.split('\n').filter(Boolean)) {
    const l = JSON.parse(raw) as { op: string; id: string; slug?: string; port?: number; pid?: number };
    if (l.op === 'start') live.set(l.id, { slug: l.slug ?? '', port: l.port ?? 0 });
    else if (l.op === 'pid' && live.has(l.id)) live.get(l.id)!.pid = l.pid;
    else if (l.op === 'end') live.delete(l.id);
  }
  for (const b of [...live.values()].reverse()) {
    if (b.slug === slug && b.pid && (await listening(b.port))) return b.pid;
  }
  throw new Error(`no running backend in the registry for ${slug}`);
}

test('the fullstack example runs live in the pane; stop, crash and restart', async ({ page, kiln }) => {
  const wheels = stubWheels(kiln.tempDir);
  const app = await kiln.start({ settings: { python: { pipArgs: ['--no-index', '--no-deps', '--find-links', wheels] } } });
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Gallery' }).click();
  await page.getByRole('button', { name: /Add examples/ }).click();
  const card = page.getByRole('article', { name: /Inventory app/ });
  await expect(card).toBeVisible();
  await card.getByRole('button', { name: /Inventory app/ }).first().click();

  // Opening it starts the backend; the app's own /api data shows inside the iframe.
  const frame = page.frameLocator('iframe[title^="App preview"]');
  await expect(frame.getByText('Mechanical keyboard')).toBeVisible({ timeout: 60_000 });
  const toolbar = page.getByRole('toolbar', { name: 'App preview' });
  await expect(toolbar.getByRole('status', { name: 'Backend: Running' })).toBeVisible();
  const src = await page.locator('iframe[title^="App preview"]').getAttribute('src');
  expect(src).toMatch(/^http:\/\/[a-z0-9-]+\.localhost:\d+\/$/);
  await expect(card.getByRole('status', { name: 'Backend: Running' })).toBeVisible();

  await toolbar.getByRole('button', { name: 'Stop' }).click();
  await expect(toolbar.getByRole('status', { name: 'Backend: Stopped' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'The backend is stopped' })).toBeVisible();

  await page.getByRole('button', { name: 'Start', exact: true }).first().click();
  await expect(frame.getByText('Mechanical keyboard')).toBeVisible({ timeout: 30_000 });

  // Crash it from outside: the pane shows the crash with the log tail, and Restart brings it back.
  const slug = new URL(src!).hostname.replace(/\.localhost$/, '');
  process.kill(await backendPid(app.workspace, slug), 'SIGKILL');
  const alert = page.getByRole('alert').filter({ hasText: 'The backend stopped' });
  await expect(alert).toBeVisible({ timeout: 5_000 });
  await expect(alert.getByLabel('Log tail')).toContainText('python backend.py --port');
  await alert.getByRole('button', { name: 'Restart' }).click();
  await expect(frame.getByText('Mechanical keyboard')).toBeVisible({ timeout: 30_000 });

  await toolbar.getByRole('button', { name: 'Logs' }).click();
  await expect(page.getByRole('region', { name: 'Backend logs' })).toContainText('GET /api/products');
});

test('a previewed page cannot reach Kiln, other artifacts or their storage', async ({ page, context, kiln }) => {
  const workspace = path.join(kiln.tempDir, 'workspace');
  for (const slug of ['probe-a', 'probe-b']) {
    cpSync(path.join(FIXTURES, 'isolation-probe'), path.join(workspace, '.anton', 'artifacts', slug), { recursive: true });
    const metaFile = path.join(workspace, '.anton', 'artifacts', slug, 'metadata.json');
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(metaFile, JSON.stringify({ ...meta, slug, name: slug }, null, 2));
  }
  const app = await kiln.start({ workspace });
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Gallery' }).click();
  await page.getByRole('article', { name: 'probe-a' }).getByRole('button', { name: /probe-a/ }).first().click();
  const framed = page.locator('iframe[title^="Preview of probe-a"]');
  await expect(framed).toBeVisible();
  const urlA = (await framed.getAttribute('src'))!;
  const inKiln = page.frameLocator('iframe[title^="Preview of probe-a"]').locator('#results');
  await expect(inKiln).toContainText('"parentDocument"');
  const embedded = JSON.parse((await inKiln.textContent())!) as Record<string, string>;
  // Inside Kiln's pane the page can touch neither Kiln's document, its API object nor its storage.
  expect(embedded.parentDocument).toMatch(/^blocked/);
  expect(embedded.parentKiln).toMatch(/^blocked/);
  expect(embedded.parentStorage).toMatch(/^blocked/);
  expect(embedded.metadata).toMatch(/^READ 404/);

  const a = new URL(urlA);
  const urlB = `http://probe-b.localhost:${a.port}/`;
  const wsBase = `ws://127.0.0.1:${app.port}/ws`;
  const params = new URLSearchParams({ ws: wsBase, wsToken: `${wsBase}?token=${app.token}`, http: `http://127.0.0.1:${app.port}/`, other: urlB });
  const probe = await context.newPage();
  await probe.goto(`${urlA}?${params.toString()}`);
  await expect(probe).toHaveTitle('done', { timeout: 20_000 });
  const results = JSON.parse((await probe.locator('#results').textContent())!) as Record<string, string>;
  // Control surface: neither without nor even with the token (wrong Origin; CSP stops it first).
  expect(results.controlWsNoToken).not.toMatch(/^READ/);
  expect(results.controlWsWithToken).not.toMatch(/^READ/);
  expect(results.controlHttp).not.toMatch(/^READ/);
  // Another artifact's origin can't be read, nor Kiln's bookkeeping files.
  expect(results.otherOrigin).not.toMatch(/^READ/);
  expect(results.metadata).toMatch(/^READ 404/);
  expect(results.published).toMatch(/^READ 404/);
  // A cookie for all of *.localhost is refused by the browser.
  expect(results.cookieAfter).toContain('owner=');
  expect(results.cookieAfter).not.toContain('shared=');

  // The other artifact sees none of probe-a's storage.
  const other = await context.newPage();
  await other.goto(urlB);
  await expect(other).toHaveTitle('done', { timeout: 20_000 });
  const resultsB = JSON.parse((await other.locator('#results').textContent())!) as Record<string, string | null>;
  expect(resultsB.previousLocal).toBeNull();
  expect(resultsB.previousCookie).toBe('');
  // …while probe-a's own storage persists for probe-a.
  await probe.goto(urlA);
  await expect(probe).toHaveTitle('done');
  const again = JSON.parse((await probe.locator('#results').textContent())!) as Record<string, string | null>;
  expect(again.previousLocal).toBe(a.host);
  expect(again.previousCookie).toContain(`owner=${a.host}`);
});
