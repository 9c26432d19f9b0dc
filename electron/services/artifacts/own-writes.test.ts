/**
 * Kiln's record of its own writes, on a real disk: the watcher drops exactly the notices Kiln
 * caused, including the ones that arrive while a write is still under way.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OwnWrites } from './own-writes';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-own-writes-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('OwnWrites', () => {
  it('counts a path as Kiln’s while its write runs, then only while the disk is as Kiln left it', async () => {
    const own = new OwnWrites();
    const meta = path.join(dir, 'metadata.json');
    const readme = path.join(dir, 'README.md');
    let seenMidway: boolean[] = [];
    await own.during([meta, readme], async () => {
      await fs.writeFile(meta, '{"a":1}');
      // A watcher looking here (metadata.json done, README.md not yet) must see Kiln's own change.
      seenMidway = [own.isOwn(meta), own.isOwn(readme)];
      await fs.writeFile(readme, '# a');
    });
    expect(seenMidway).toEqual([true, true]);
    expect(own.isOwn(meta)).toBe(true);
    expect(own.isOwn(readme)).toBe(true);

    // An editor changes the file afterwards: that is an outside change, and stays one.
    await fs.writeFile(meta, '{"a":2, "edited": true}');
    expect(own.isOwn(meta)).toBe(false);
    expect(own.isOwn(meta)).toBe(false);
    expect(own.isOwn(readme)).toBe(true);
  });

  it('keeps overlapping writes of one path pending until the last one ends', async () => {
    const own = new OwnWrites();
    const file = path.join(dir, 'a.txt');
    let release!: () => void;
    const slow = own.during([file], () => new Promise<void>((r) => (release = r)));
    await own.during([file], () => fs.writeFile(file, 'fast'));
    // The first write is still running: whatever the disk shows, it is Kiln's.
    await fs.writeFile(file, 'changed mid-write');
    expect(own.isOwn(file)).toBe(true);
    release();
    await slow;
    expect(own.isOwn(file)).toBe(true);
  });

  it('treats what disappears with a removed folder as Kiln’s, and a file re-created there by someone else as theirs', async () => {
    const own = new OwnWrites();
    const folder = path.join(dir, 'art');
    await fs.mkdir(folder);
    await fs.writeFile(path.join(folder, 'x.txt'), 'x');
    await own.during([folder], () => fs.rm(folder, { recursive: true }));
    expect(own.isOwn(folder)).toBe(true);
    expect(own.isOwn(path.join(folder, 'x.txt'))).toBe(true);
    await fs.mkdir(folder);
    await fs.writeFile(path.join(folder, 'x.txt'), 'back');
    expect(own.isOwn(path.join(folder, 'x.txt'))).toBe(false);
  });

  it('forgets a failed write’s pending mark and remembers what it left', async () => {
    const own = new OwnWrites();
    const file = path.join(dir, 'never.txt');
    await expect(own.during([file], () => Promise.reject(new Error('disk full')))).rejects.toThrow('disk full');
    expect(own.isOwn(file)).toBe(true); // absent, as Kiln left it
    await fs.writeFile(file, 'outside');
    expect(own.isOwn(file)).toBe(false);
  });
});
