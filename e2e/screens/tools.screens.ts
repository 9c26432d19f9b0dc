import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures/kiln';

/**
 * Settings → Tools (MCP) for the README: a connected stdio server (the reference "everything"
 * server from npm) with its tools and permissions, and a remote server that is turned off.
 */
const OUT = path.resolve('docs/screenshots');
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(OUT, `${name}.png`) });
const EVERYTHING = path.resolve('node_modules/@modelcontextprotocol/server-everything/dist/index.js');

test('Settings → Tools screenshot', async ({ page, kiln }) => {
  test.setTimeout(120_000);
  const app = await kiln.start();
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('button', { name: 'Tools (MCP)' }).click();

  await page.getByRole('button', { name: 'Import mcpServers JSON…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import MCP servers' });
  await dialog.getByLabel('mcpServers JSON').fill(
    JSON.stringify(
      {
        mcpServers: {
          everything: { command: 'node', args: [path.relative(process.cwd(), EVERYTHING), 'stdio'], cwd: process.cwd(), env: { WAREHOUSE_TOKEN: 'screens-token-123456789' } },
          tickets: { url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer screens-header-123456' }, disabled: true },
        },
      },
      null,
      2,
    ),
  );
  await dialog.getByRole('button', { name: 'Import' }).click();
  await expect(dialog).toBeHidden();
  const card = page.getByRole('listitem', { name: 'MCP server everything' });
  await expect(card.getByRole('status')).toHaveText(/Connected · \d+ tools/, { timeout: 30_000 });
  await card.getByText('Tools and permissions').click();
  await card.getByRole('combobox', { name: 'Permission for get-sum' }).selectOption('always');
  await card.getByRole('combobox', { name: 'Permission for get-env' }).selectOption('never');
  await expect(card.getByRole('combobox', { name: 'Permission for get-env' })).toHaveValue('never');
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.getByRole('listitem', { name: 'MCP server tickets' }).getByRole('status')).toHaveText('Off');
  await page.mouse.move(0, 0);
  await shot(page, 'tools');
});
