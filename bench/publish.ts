/**
 * Publish benchmark: memory and time of the streamed upload against a buffered baseline (read
 * the zip, base64 it, JSON.stringify, send once), and the streaming secret scan against a
 * whole-file scan, in the same process on the same data.
 * Run: node scripts/run-ts.mjs bench/publish.ts [bundleMB=40]
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { PublishClient } from '../electron/services/publish/client';
import { scanFile } from '../electron/services/publish/secret-scan';
import { buildZip, removeZip } from '../electron/services/publish/zip';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MB = 1024 * 1024;
const bundleMB = Number(process.argv[2] ?? 40);

/** Discards the body, answers like anton's /upload. */
async function sinkServer(): Promise<{ url: string; received: () => number; close: () => Promise<void> }> {
  let bytes = 0;
  const server = http.createServer((req, res) => {
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ report_id: 'r1', view_url: 'http://x/r1/', md5: 'x', version: 1 }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: () => bytes,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

async function measure<T>(fn: () => Promise<T>): Promise<{ ms: number; peakMB: number; value: T }> {
  gc();
  await new Promise((r) => setTimeout(r, 50));
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { ms, peakMB: (peak - base) / MB, value };
}

async function main(): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-bench-publish-'));
  // Incompressible data, so the zip is as large as the files (the worst case for the upload).
  const files = 20;
  const entries: { name: string; abs: string }[] = [];
  for (let i = 0; i < files; i++) {
    const abs = path.join(dir, `static-${String(i).padStart(2, '0')}.bin`);
    await fs.writeFile(abs, randomBytes(Math.round((bundleMB * MB) / files)));
    entries.push({ name: `static/${path.basename(abs)}`, abs });
  }
  const zipRun = await measure(() => buildZip(entries, { maxBytes: 4096 * MB }));
  const zip = zipRun.value;
  const zip2 = await buildZip(entries, { maxBytes: 4096 * MB });
  const sink = await sinkServer();
  const fields = { access: { mode: 'public' } };

  const streamed = await measure(() =>
    new PublishClient({ baseUrl: sink.url, apiKey: 'k', retries: 0 }).upload({ zipFile: zip.file, zipBytes: zip.bytes, md5: zip.md5, fields }),
  );
  const streamedBytes = sink.received();
  const buffered = await measure(async () => {
    const body = JSON.stringify({ file_payload: (await fs.readFile(zip.file)).toString('base64'), ...fields });
    await new Promise<void>((resolve, reject) => {
      const req = http.request(`${sink.url}/upload`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      });
      req.on('error', reject);
      req.end(body);
    });
  });
  const bufferedBytes = sink.received() - streamedBytes;

  // Secret scan: 200 secrets over the same files.
  const needles = Array.from({ length: 200 }, (_, i) => ({ name: `DS_X_${i}__PASSWORD`, bytes: Buffer.from(randomBytes(12).toString('base64url')) }));
  const streamingScan = await measure(async () => {
    let hits = 0;
    for (const e of entries) hits += [...(await scanFile(e.abs, needles)).values()].length;
    return hits;
  });
  const wholeScan = await measure(async () => {
    let hits = 0;
    for (const e of entries) {
      const buf = await fs.readFile(e.abs);
      for (const n of needles) if (buf.indexOf(n.bytes) >= 0) hits++;
    }
    return hits;
  });

  const cpu = (await fs.readFile('/proc/cpuinfo', 'utf8').catch(() => '')).match(/model name\s*:\s*(.*)/)?.[1] ?? os.cpus()[0]?.model ?? '?';
  console.log(`machine: ${cpu} x${os.cpus().length}, node ${process.version}`);
  console.log(`bundle: ${files} files, ${(zip.bytes / MB).toFixed(1)} MB zip; same bytes twice: ${zip.md5 === zip2.md5}`);
  console.log(`zip build: ${zipRun.ms.toFixed(0)} ms, peak RSS +${zipRun.peakMB.toFixed(1)} MB`);
  console.log(`upload streamed: ${streamed.ms.toFixed(0)} ms, peak RSS +${streamed.peakMB.toFixed(1)} MB, ${(streamedBytes / MB).toFixed(1)} MB sent`);
  console.log(`upload buffered (baseline): ${buffered.ms.toFixed(0)} ms, peak RSS +${buffered.peakMB.toFixed(1)} MB, ${(bufferedBytes / MB).toFixed(1)} MB sent`);
  console.log(`memory ratio (buffered / streamed peak): ${(buffered.peakMB / Math.max(streamed.peakMB, 0.1)).toFixed(1)}x; time ratio (streamed / buffered): ${(streamed.ms / buffered.ms).toFixed(2)}`);
  console.log(`secret scan, 200 values: streamed ${streamingScan.ms.toFixed(0)} ms (+${streamingScan.peakMB.toFixed(1)} MB), whole-file baseline ${wholeScan.ms.toFixed(0)} ms (+${wholeScan.peakMB.toFixed(1)} MB); hits ${streamingScan.value}/${wholeScan.value}`);
  await sink.close();
  await removeZip(zip.file);
  await removeZip(zip2.file);
  await fs.rm(dir, { recursive: true, force: true });
}

await main();
