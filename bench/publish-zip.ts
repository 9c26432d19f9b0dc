/**
 * The anton-identical bundle zip (pako DEFLATE, Python zipfile layout, anton's text re-encoding)
 * against a baseline that writes the same entries with Node's native zlib (what Kiln used
 * before, and what can't match anton's bytes), in the same process on the same files: text
 * (compressible JS/HTML) and binary (incompressible). Prints time, throughput and the ratio.
 *   node scripts/run-ts.mjs bench/publish-zip.ts [MB=20]
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDeflateRaw } from 'node:zlib';
import { buildZip, removeZip } from '../electron/services/publish/zip';

const MB = 1024 * 1024;
const size = Number(process.argv[2] ?? 20);

/** Baseline: each file through native zlib (level 6) to a file, no headers (a lower bound). */
async function nativeDeflate(files: string[], out: string): Promise<void> {
  const handle = await fs.open(out, 'w');
  try {
    for (const f of files) {
      const z = createDeflateRaw({ level: 6 });
      createReadStream(f).pipe(z);
      for await (const chunk of z) await handle.write(chunk as Buffer);
    }
  } finally {
    await handle.close();
  }
}

async function median(runs: number, fn: () => Promise<void>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

async function main(): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-bench-zip-'));
  try {
    const lock = await fs.readFile(path.join(process.cwd(), 'package-lock.json'));
    const sets: Record<string, string[]> = { text: [], binary: [] };
    for (let i = 0; i < 10; i++) {
      const t = path.join(dir, `page-${i}.js`);
      const parts: Buffer[] = [];
      for (let n = 0; n < (size * MB) / 10; n += lock.length) parts.push(lock);
      await fs.writeFile(t, Buffer.concat(parts).subarray(0, (size * MB) / 10));
      sets.text!.push(t);
      const b = path.join(dir, `image-${i}.bin`);
      await fs.writeFile(b, randomBytes((size * MB) / 10));
      sets.binary!.push(b);
    }
    console.log(`machine: ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    for (const [kind, files] of Object.entries(sets)) {
      const entries = files.map((abs) => ({ name: `static/${path.basename(abs)}`, abs }));
      const anton = await median(3, async () => {
        const z = await buildZip(entries, { maxBytes: 4096 * MB });
        await removeZip(z.file);
      });
      const native = await median(3, () => nativeDeflate(files, path.join(dir, 'native.bin')));
      const mbps = (ms: number): string => ((size / ms) * 1000).toFixed(1);
      console.log(`${kind} ${size} MB: anton-identical zip ${anton.toFixed(0)} ms (${mbps(anton)} MB/s); native zlib baseline ${native.toFixed(0)} ms (${mbps(native)} MB/s); ratio ${(anton / native).toFixed(2)}x`);
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

void main();
