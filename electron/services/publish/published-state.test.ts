import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { publishedLocation, readPublished } from './published-state';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
});

it('a .published.json that is a link (planted by model-written code) is refused, not read as this artifact\'s report', async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-pubstate-'));
  dirs.push(root);
  const art = path.join(root, 'art');
  await fs.mkdir(path.join(art, 'site'), { recursive: true });
  // Another artifact's live report: a link to its state would make Kiln republish over it.
  const other = path.join(root, 'other.json');
  await fs.writeFile(other, JSON.stringify({ 'index.html': { report_id: 'someone-elses-report', url: 'u', last_md5: 'x', mode: 'public' } }));
  await fs.symlink(other, path.join(art, 'site', '.published.json'));
  const loc = await publishedLocation(art, 'site/index.html', false);
  await expect(readPublished(loc)).rejects.toThrow(/\.published\.json is a link/);

  await fs.rm(path.join(art, 'site', '.published.json'));
  await fs.copyFile(other, path.join(art, 'site', '.published.json'));
  expect((await readPublished(loc)).entry?.report_id).toBe('someone-elses-report');
});
