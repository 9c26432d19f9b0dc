import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startTestEngine, type TestEngine } from '../fixtures/dockerd';
import { DS_PASSWORD, DS_PASSWORD_VAR, INVENTORY_ID, writeDeployWorkspace } from '../fixtures/deploy-workspace';
import { freePort } from '../fixtures/databases';
import { expect, test } from '../fixtures/kiln';

/**
 * Deploy from the UI to a real, private Docker Engine (one per file, e2e/fixtures/dockerd.ts):
 * the FastAPI example with a datasource secret, its URL, the secret in the container's env and
 * in no image layer, redeploy after an edit, rollback, stop and remove.
 */
let engine: TestEngine;
test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  test.setTimeout(600_000);
  engine = await startTestEngine();
});
test.afterAll(async () => {
  test.setTimeout(120_000);
  await engine?.stop();
});

async function products(port: number): Promise<string[]> {
  const res = await fetch(`http://127.0.0.1:${port}/api/products`, { signal: AbortSignal.timeout(5000) });
  return ((await res.json()) as { items: { name: string }[] }).items.map((i) => i.name);
}

async function imageBytes(ref: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of (await engine.docker.getImage(ref).get()) as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

const byDeployment = (id: string): string => JSON.stringify({ label: [`kiln.artifact=${id}`] });

test('deploy the FastAPI example from the UI; secret only at run time; redeploy, rollback, stop, remove', async ({ page, kiln }) => {
  test.setTimeout(480_000);
  const ws = await writeDeployWorkspace(kiln.tempDir, `KilnDeployE2E-${randomBytes(4).toString('hex')}`);
  try {
    const app = await kiln.start({
      workspace: ws.workspace,
      env: { DOCKER_HOST: engine.host, KILN_DEPLOY_BASE_IMAGE: engine.baseImage, KILN_KEYCHAIN_SERVICE: ws.keychainService },
    });
    await page.goto(app.url);

    // Settings → Deploy: keep the app on loopback, and check the engine answers.
    await page.getByRole('navigation', { name: 'Navigation' }).getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('button', { name: 'Deploy' }).click();
    const local = page.getByRole('list', { name: 'Deploy targets' }).getByRole('listitem').filter({ hasText: 'Docker on this machine' });
    await local.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Listen address').fill('127.0.0.1');
    await page.getByRole('button', { name: 'Save' }).click();
    await local.getByRole('button', { name: 'Test connection' }).click();
    await expect(local.getByRole('status')).toHaveText(/^Connected: Docker 20\.10\.[\w.+-]+ \(linux\/amd64\)\.$/);

    // The Deploy sheet from the gallery card: the publish review, then deploy.
    await page.getByRole('navigation', { name: 'Navigation' }).getByRole('button', { name: 'Gallery' }).click();
    await page.getByRole('article', { name: 'Inventory' }).getByRole('button', { name: 'Deploy Inventory' }).click();
    const sheet = page.getByRole('dialog', { name: 'Deploy “Inventory”' });
    await expect(sheet.getByText(/Fullstack app · \d+ files/)).toContainText(engine.baseImage);
    await expect(sheet.getByRole('region', { name: 'Datasource secrets' })).toContainText(DS_PASSWORD_VAR);
    await expect(sheet).not.toContainText(DS_PASSWORD);
    const port = await freePort();
    await sheet.getByLabel('Port on the host').fill(String(port));
    await sheet.getByRole('button', { name: 'Deploy', exact: true }).click();
    await expect(sheet.getByRole('region', { name: 'Deploy progress' })).toContainText(/Step \d+\/\d+ : FROM/);
    await expect(sheet.getByTestId('deploy-url')).toHaveText(`http://localhost:${port}/`, { timeout: 180_000 });
    expect(await products(port)).toContain('Mechanical keyboard');
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toContain('<html');
    const row = sheet.getByTestId(`deployment-${'inventory-5e1f00d5'}`);
    await expect(row).toContainText('Running');

    // The secret: in the container's environment, in no image layer, history or label.
    const [container] = await engine.docker.listContainers({ filters: byDeployment(INVENTORY_ID) });
    const info = await engine.docker.getContainer(container!.Id).inspect();
    expect(info.Config.Env).toContain(`${DS_PASSWORD_VAR}=${DS_PASSWORD}`);
    expect(info.HostConfig.NetworkMode).toBe('host');
    const firstImage = info.Config.Image;
    expect(firstImage).toMatch(/^kiln\/inventory-5e1f00d5:/);
    expect(JSON.stringify(await engine.docker.getImage(firstImage).history())).not.toContain(DS_PASSWORD);
    expect(JSON.stringify(await engine.docker.getImage(firstImage).inspect())).not.toContain(DS_PASSWORD);
    expect((await imageBytes(firstImage)).includes(Buffer.from(DS_PASSWORD))).toBe(false);
    const state = readFileSync(path.join(ws.workspace, '.kiln', 'deployments.json'), 'utf8');
    expect(state).toContain(firstImage);
    expect(state).not.toContain(DS_PASSWORD);
    await sheet.getByRole('button', { name: 'Done' }).click();

    // Redeploy after an edit serves the new version.
    const backend = path.join(ws.artifactDir, 'backend.py');
    writeFileSync(backend, readFileSync(backend, 'utf8').replace('"Mechanical keyboard"', '"Mechanical keyboard v2"'));
    await page.getByRole('article', { name: 'Inventory' }).getByRole('button', { name: 'Deploy Inventory' }).click();
    await sheet.getByRole('button', { name: 'Redeploy Inventory' }).click();
    await expect(page.getByText(/Inventory is running at/)).toBeVisible({ timeout: 180_000 });
    expect(await products(port)).toContain('Mechanical keyboard v2');
    await expect(engine.docker.listContainers({ filters: byDeployment(INVENTORY_ID) })).resolves.toHaveLength(1);

    // Rollback serves the old one again.
    await sheet.getByRole('button', { name: 'Roll back Inventory' }).click();
    await expect.poll(() => products(port).catch(() => []), { timeout: 120_000 }).toContain('Mechanical keyboard');
    await expect(row).toContainText(firstImage.split(':')[1]!);

    // Stop: no container, nothing answers; Remove: no image either.
    await sheet.getByRole('button', { name: 'Stop Inventory' }).click();
    await expect(row).toContainText('Stopped', { timeout: 60_000 });
    expect(await engine.docker.listContainers({ all: true, filters: byDeployment(INVENTORY_ID) })).toEqual([]);
    await expect(products(port)).rejects.toThrow();
    await sheet.getByRole('button', { name: 'Remove Inventory' }).click();
    await page.getByRole('dialog', { name: 'Remove this deployment?' }).getByRole('button', { name: 'Remove' }).click();
    await expect(sheet.getByText('No deployments yet.')).toBeVisible({ timeout: 60_000 });
    expect(await engine.docker.listContainers({ all: true, filters: byDeployment(INVENTORY_ID) })).toEqual([]);
    expect(await engine.docker.listImages({ filters: byDeployment(INVENTORY_ID) })).toEqual([]);
  } finally {
    await ws.cleanup();
  }
});

test('a missing engine is explained in the sheet with how to fix it', async ({ page, kiln }) => {
  test.setTimeout(120_000);
  const ws = await writeDeployWorkspace(kiln.tempDir, `KilnDeployE2E-${randomBytes(4).toString('hex')}`);
  try {
    const app = await kiln.start({ workspace: ws.workspace, env: { DOCKER_HOST: `unix://${path.join(kiln.tempDir, 'no-docker.sock')}`, KILN_KEYCHAIN_SERVICE: ws.keychainService } });
    await page.goto(app.url);
    await page.getByRole('navigation', { name: 'Navigation' }).getByRole('button', { name: 'Gallery' }).click();
    await page.getByRole('article', { name: 'Inventory' }).getByRole('button', { name: 'Deploy Inventory' }).click();
    const sheet = page.getByRole('dialog', { name: 'Deploy “Inventory”' });
    await sheet.getByLabel('Port on the host').fill(String(await freePort()));
    await sheet.getByRole('button', { name: 'Deploy', exact: true }).click();
    await expect(sheet.getByRole('alert').first()).toContainText(/No Docker Engine answers at unix:\/\/.*no-docker\.sock\. Start Docker/);
    // Nothing was recorded.
    await expect(sheet.getByText('No deployments yet.')).toBeVisible();
  } finally {
    await ws.cleanup();
  }
});
