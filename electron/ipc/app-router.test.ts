import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppInfo } from '../../shared/contract/app';
import type { Services } from '../core/services';
import { NoticeLog } from '../services/notices/notice-log';
import { createAppRouter } from './app-router';

const info: AppInfo = {
  name: 'Kiln', version: '1.2.3', platform: 'linux', arch: 'x64', runtime: 'web',
  versions: { node: '20' }, workspace: '/w', userData: '/u',
};

/** Just what the app/settings handlers reach; building the handler map touches `agent.chat` too. */
function services(appInfo: () => AppInfo): { s: Services; notices: NoticeLog } {
  const scrub = (t: string): string => t.replaceAll('hunter2', '[PW]');
  const notices = new NoticeLog(scrub);
  const s = { appInfo, notices, scrub, agent: { chat: {} } } as unknown as Services;
  return { s, notices };
}
const ctx = { transport: 'test' as const };

describe('createAppRouter', () => {
  it.each([true, false])('validates output the same way packaged or not (packaged: %s)', async (packaged) => {
    const broken = services(() => ({ ...info, version: 3 }) as never);
    const router = createAppRouter(broken.s, { packaged, log: () => undefined });
    await expect(router.call('app.info', undefined, ctx)).resolves.toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(broken.notices.list()[0]).toMatchObject({ level: 'error', details: expect.stringContaining('broke the contract') });

    const extra = services(() => ({ ...info, home: '/home/ana' }) as never);
    await expect(createAppRouter(extra.s, { packaged }).call('app.info', undefined, ctx)).resolves.toEqual({ ok: true, data: info });
  });

  it('an internal error becomes a scrubbed notice; the stack is logged only when not packaged', async () => {
    for (const packaged of [true, false]) {
      const lines: string[] = [];
      const { s, notices } = services(() => {
        throw new TypeError('boom hunter2');
      });
      const result = await createAppRouter(s, { packaged, log: (l) => lines.push(l) }).call('app.info', undefined, ctx);
      expect(result).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'app.info failed: boom [PW]' } });
      expect(notices.list()).toMatchObject([{ level: 'error', message: 'Something went wrong in app.info.', details: 'boom [PW]' }]);
      if (packaged) expect(lines).toEqual([]);
      else {
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/^\[kiln\] app\.info: boom \[PW\]\n.*TypeError/s);
        expect(lines[0]).not.toContain('hunter2');
      }
    }
  });

  it('is the router both transports serve', async () => {
    // Both entries build the router only through createAppRouter, so they can't drift apart.
    for (const file of ['electron/main.ts', 'electron/webhost/server.ts']) {
      const source = await fs.readFile(path.resolve(file), 'utf8');
      expect(source, file).toContain('createAppRouter(');
      expect(source, file).not.toMatch(/\bcreateRouter\(|\bcreateHandlers\(/);
    }
  });
});
