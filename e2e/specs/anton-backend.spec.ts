import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '../fixtures/kiln';

const STDLIB_APP = path.resolve('e2e/fixtures/backends/stdlib-app');
const VARIABLE = 'DS_POSTGRES_LEGACY__PASSWORD';
const ANTON_SECRET = 'anton-legacy-secret-5678';

/**
 * An app anton made reads a datasource it never declared (anton hands a backend every vault
 * datasource; Kiln only the declared and granted ones). The pane names the variable and the
 * line, one click imports the datasource from anton's vault and declares it, the grant prompt
 * asks, and the restarted backend has the value.
 */
test("a backend anton made reads an undeclared DS_ variable: Import from anton and declare, grant, and the app gets it", async ({ page, kiln }) => {
  test.setTimeout(120_000);
  const workspace = path.join(kiln.tempDir, 'workspace');
  const slug = 'legacy-app-9f8e7d6c';
  const dir = path.join(workspace, '.anton', 'artifacts', slug);
  cpSync(STDLIB_APP, dir, { recursive: true });
  const now = '2026-06-01T12:00:00+00:00';
  writeFileSync(path.join(dir, 'metadata.json'), JSON.stringify({
    schemaVersion: 1, id: '9f8e7d6c', slug, createdAt: now, updatedAt: now, name: 'Legacy App', description: '',
    type: 'fullstack-stateless-app', primary: 'static/index.html', port: null, datasources: [], files: [], provenance: [],
  }, null, 2));
  // The line the scanner finds: the app reads the password the way anton's apps do.
  const backend = readFileSync(path.join(dir, 'backend.py'), 'utf8').split('\n');
  const at = backend.findIndex((l) => l.startsWith('SECRETS ='));
  backend.splice(at, 0, `LEGACY_PASSWORD = os.environ.get("${VARIABLE}", "")`);
  writeFileSync(path.join(dir, 'backend.py'), backend.join('\n'));
  writeFileSync(path.join(dir, 'static', 'index.html'), '<!doctype html><p id="ds">checking</p><script src="app.js"></script>\n');
  writeFileSync(
    path.join(dir, 'static', 'app.js'),
    `fetch('/api/env').then((r) => r.json()).then((env) => { document.getElementById('ds').textContent = env.${VARIABLE} === '${ANTON_SECRET}' ? 'password received' : 'no password'; });\n`,
  );

  const antonVault = path.join(kiln.tempDir, 'anton', 'data_vault');
  mkdirSync(antonVault, { recursive: true });
  writeFileSync(
    path.join(antonVault, 'postgres-legacy'),
    JSON.stringify({ engine: 'postgres', name: 'legacy', fields: { host: 'db.internal', database: 'crm', user: 'ro', password: ANTON_SECRET }, secure_keys: ['password'] }),
  );

  const app = await kiln.start({ workspace, env: { KILN_ANTON_VAULT_DIR: antonVault } });
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Gallery' }).click();
  await page.getByRole('article', { name: 'Legacy App' }).getByRole('button', { name: /Legacy App/ }).first().click();

  const frame = page.frameLocator('iframe[title^="App preview"]');
  await expect(frame.locator('#ds')).toHaveText('no password', { timeout: 60_000 });
  const notice = page.locator('.datasource-notice');
  await expect(notice).toContainText(`backend.py:${at + 1} uses ${VARIABLE}, which this artifact doesn't declare.`);

  await notice.getByRole('button', { name: /from anton and declare it$/ }).click();
  const grant = page.getByRole('alertdialog', { name: /This app asks for/ });
  await expect(grant).toBeVisible({ timeout: 30_000 });
  await expect(grant).toContainText('password');
  await grant.getByRole('button', { name: 'Allow and restart' }).click();

  await expect(frame.locator('#ds')).toHaveText('password received', { timeout: 60_000 });
  await expect(notice).toBeHidden();
  // Declared in anton's format on disk; the value itself stays in the keychain.
  const record = JSON.parse(readFileSync(path.join(dir, 'metadata.json'), 'utf8')) as { datasources: unknown[] };
  expect(record.datasources).toEqual([{ engine: 'postgres', name: 'legacy' }]);
  expect(readFileSync(path.join(dir, 'metadata.json'), 'utf8')).not.toContain(ANTON_SECRET);
});
