import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogSink, readLogTail } from './log-sink';

describe('LogSink', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-log-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('splits output into lines, scrubs them, batches events and appends to backend.log', async () => {
    const file = path.join(dir, 'backend.log');
    await fs.writeFile(file, 'earlier run\n');
    const events: string[][] = [];
    const sink = new LogSink(file, (t) => t.replaceAll('s3cr3t-value', '[DS_X__PASSWORD]'), (l) => events.push(l));
    await sink.open();
    sink.write('out', 'hello ');
    sink.write('out', 'world\npassword=s3cr3t-value\npart');
    sink.write('err', 'oops\n');
    sink.note('launching');
    await sink.close();
    const text = await fs.readFile(file, 'utf8');
    expect(text).toBe('earlier run\nhello world\npassword=[DS_X__PASSWORD]\noops\n[kiln] launching\npart\n');
    expect(events.flat()).toEqual(['hello world', 'password=[DS_X__PASSWORD]', 'oops', '[kiln] launching', 'part']);
    expect(await readLogTail(file, 2)).toEqual(['[kiln] launching', 'part']);
  });

  it('rolls backend.log over to backend.log.1 at the size limit without losing lines', async () => {
    const file = path.join(dir, 'backend.log');
    const sink = new LogSink(file, (t) => t, () => undefined, 1000);
    await sink.open();
    for (let i = 0; i < 60; i++) sink.write('out', `line ${String(i).padStart(3, '0')} ${'x'.repeat(30)}\n`);
    await sink.close();
    const current = await fs.readFile(file, 'utf8');
    const rolled = await fs.readFile(`${file}.1`, 'utf8');
    expect(Buffer.byteLength(current)).toBeLessThanOrEqual(1000);
    expect(Buffer.byteLength(rolled)).toBeLessThanOrEqual(1000);
    expect(current.trimEnd().split('\n').at(-1)).toMatch(/^line 059/);
    // The newest lines are in the live file, the ones before it in .1 (older ones dropped).
    const lines = `${rolled}${current}`.trimEnd().split('\n');
    const numbers = lines.map((l) => Number(l.slice(5, 8)));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(numbers.at(-1)).toBe(59);
    expect(sink.tail(3).map((l) => l.slice(0, 8))).toEqual(['line 057', 'line 058', 'line 059']);
  });
});
