import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startTestEngine } from '../fixtures/dockerd';
import { freePort } from '../fixtures/databases';
import { writeDeployWorkspace } from '../fixtures/deploy-workspace';
import { expect, test } from '../fixtures/kiln';

/** The Deploy sheet for the README: the FastAPI example deployed to a private test engine. */
test('Deploy sheet screenshot', async ({ page, kiln }) => {
  test.setTimeout(600_000);
  const engine = await startTestEngine();
  const ws = await writeDeployWorkspace(kiln.tempDir, `KilnDeployScreens-${randomBytes(4).toString('hex')}`);
  try {
    const app = await kiln.start({ workspace: ws.workspace, env: { DOCKER_HOST: engine.host, KILN_DEPLOY_BASE_IMAGE: engine.baseImage, KILN_KEYCHAIN_SERVICE: ws.keychainService } });
    await page.goto(app.url);
    await page.getByRole('navigation', { name: 'Navigation' }).getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('button', { name: 'Deploy' }).click();
    await page.getByRole('list', { name: 'Deploy targets' }).getByRole('listitem').filter({ hasText: 'Docker on this machine' }).getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Listen address').fill('127.0.0.1');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('navigation', { name: 'Navigation' }).getByRole('button', { name: 'Gallery' }).click();
    await page.getByRole('article', { name: 'Inventory' }).getByRole('button', { name: 'Deploy Inventory' }).click();
    const sheet = page.getByRole('dialog', { name: 'Deploy “Inventory”' });
    await sheet.getByLabel('Port on the host').fill(String(await freePort()));
    await sheet.getByRole('button', { name: 'Deploy', exact: true }).click();
    await expect(sheet.getByTestId('deploy-url')).toBeVisible({ timeout: 240_000 });
    await page.screenshot({ path: path.resolve('docs/screenshots/deploy-sheet.png') });
    const d = await engine.docker.listContainers({ filters: JSON.stringify({ label: ['kiln.deployment'] }) });
    expect(d).toHaveLength(1);
  } finally {
    await ws.cleanup();
    await engine.stop();
  }
});
