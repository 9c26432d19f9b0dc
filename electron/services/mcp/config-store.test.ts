import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { McpConfigStore } from './config-store';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
});

describe('MCP tool permissions', () => {
  it('a tool or server named like an Object method still asks first', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-mcp-perm-'));
    dirs.push(dir);
    const store = new McpConfigStore(dir);
    expect(await store.load()).toBeNull();
    for (const tool of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) expect(store.permission('srv', tool)).toBe('ask');
    expect(store.permission('constructor', 'name')).toBe('ask');
    await store.setPermission('srv', 'query', 'never');
    expect(store.permission('srv', 'query')).toBe('never');
    expect(store.permission('srv', 'constructor')).toBe('ask');
  });
});
