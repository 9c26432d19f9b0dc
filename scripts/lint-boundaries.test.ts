import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The architecture's import boundaries, checked through the project's real ESLint config.
const eslint = new ESLint();

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const importing = (specifier: string): string => `import * as m from '${specifier}';\nexport const a = m;\n`;

describe('import boundaries', () => {
  it('a service may not import electron', async () => {
    expect(await restricted('electron/services/artifacts/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(1);
  });
  it('the platform layer and the entry files may', async () => {
    expect(await restricted('electron/platform/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toEqual([]);
    expect(await restricted('electron/main.ts', "import { app } from 'electron';\nexport const a = app;\n")).toEqual([]);
  });

  it.each([
    ['electron/services/artifacts/x.ts', '../../core/paths'],
    ['electron/services/x.ts', '../core/services'],
    ['electron/services/agent/tools/x.ts', '../../../ipc/router'],
    ['electron/services/artifacts/x.ts', '../../platform/window'],
    ['electron/services/artifacts/x.ts', '../../../electron/core/platform'],
    ['electron/services/artifacts/x.ts', '../../ipc'],
  ])('a service may not import the layers above it: %s → %s', async (file, specifier) => {
    expect(await restricted(file, importing(specifier))).toContainEqual(expect.stringContaining('Services may not import electron/core'));
  });
  it('a service may import other services, shared/ and Node', async () => {
    for (const specifier of ['../vault/secret-store', '../../../shared/contract/core', 'node:fs', 'execa']) {
      expect(await restricted('electron/services/artifacts/x.ts', importing(specifier)), specifier).toEqual([]);
    }
  });
  it('core/ and ipc/ may import services', async () => {
    expect(await restricted('electron/core/x.ts', importing('../services/settings/settings-store'))).toEqual([]);
    expect(await restricted('electron/ipc/x.ts', importing('../core/services'))).toEqual([]);
  });

  it('shared/ may import neither electron nor Node built-ins', async () => {
    expect(await restricted('shared/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n")).toHaveLength(1);
    expect(await restricted('shared/x.ts', "import path from 'path';\nexport const a = path;\n")).toHaveLength(1);
    expect(await restricted('shared/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(1);
  });
  it('the renderer may import neither Node, electron nor main-process code', async () => {
    expect(await restricted('renderer/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n")).toHaveLength(1);
    expect(await restricted('renderer/x.ts', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n")).toHaveLength(1);
    expect(await restricted('renderer/x.ts', "import { createServices } from '../electron/core/services';\nexport const a = createServices;\n")).not.toEqual([]);
    expect(await restricted('renderer/x.ts', "import { z } from 'zod';\nexport const a = z;\n")).toEqual([]);
  });

  const builtins = ['fs', 'fs/promises', 'path', 'child_process', 'os', 'zlib', 'worker_threads', 'node:crypto', 'node:test'];
  const nodeOnly = ['execa', 'chokidar', '@parcel/watcher', 'ws', 'get-port', 'archiver', '@napi-rs/keyring', 'openai', 'openai/resources'];
  it.each(['shared/lib/x.ts', 'renderer/features/x.tsx'])('%s may not import any Node built-in', async (file) => {
    for (const specifier of builtins) {
      expect(await restricted(file, importing(specifier)), specifier).toEqual([expect.stringContaining('no Node built-ins')]);
    }
  });
  it.each(['shared/lib/x.ts', 'renderer/features/x.tsx'])('%s may not import a Node-only package', async (file) => {
    for (const specifier of nodeOnly) {
      expect(await restricted(file, importing(specifier)), specifier).toEqual([expect.stringContaining('this package needs Node')]);
    }
  });
  it('a local module named like a built-in is not mistaken for one', async () => {
    expect(await restricted('renderer/features/x.tsx', importing('./path'))).toEqual([]);
    expect(await restricted('shared/lib/x.ts', importing('../contract/events'))).toEqual([]);
  });
});
