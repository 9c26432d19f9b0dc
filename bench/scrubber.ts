/**
 * Scrubber throughput: 1 MB of log-like text with 200 registered secrets, scrubbed by the
 * one-pass trie Scrubber and by a naive loop (one word-bounded regex replace per secret,
 * longest first) in the same process. Prints median/min per scrub and the speed-up.
 *
 *   node scripts/run-ts.mjs bench/scrubber.ts [secrets=200] [megabytes=1]
 */
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import { Scrubber } from '../electron/services/vault/scrubber';

const SECRETS = Number(process.argv[2] ?? 200);
const MEGABYTES = Number(process.argv[3] ?? 1);
const RUNS = 30;

// Deterministic PRNG so runs are comparable.
let seed = 0x2545f491;
function rand(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 0x100000000;
}
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!@#%^&*-_=+.';
function token(min: number, max: number): string {
  const n = min + Math.floor(rand() * (max - min + 1));
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET.charAt(Math.floor(rand() * ALPHABET.length));
  return s;
}

const secrets: { name: string; value: string }[] = [];
for (let i = 0; i < SECRETS; i++) secrets.push({ name: `DS_BENCH_${i.toString(16).padStart(8, '0')}__PASSWORD`, value: token(8, 48) });

const WORDS = 'the query returned rows from host db.internal port 5432 user analyst status ok error retry connection timeout select where group by'.split(' ');
const target = MEGABYTES * 1024 * 1024;
const parts: string[] = [];
let size = 0;
let planted = 0;
while (size < target) {
  const r = rand();
  const piece = r < 0.01 ? ` ${secrets[Math.floor(rand() * secrets.length)]?.value ?? ''} ` : r < 0.015 ? ` sk-${token(24, 40).replace(/[^A-Za-z0-9_-]/g, 'x')} ` : `${WORDS[Math.floor(rand() * WORDS.length)] ?? ''}${rand() < 0.1 ? '\n' : ' '}`;
  if (r < 0.01) planted++;
  parts.push(piece);
  size += piece.length;
}
const text = parts.join('');

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
const naivePatterns = [...secrets]
  .sort((a, b) => b.value.length - a.value.length)
  .map((s) => ({ re: new RegExp(`(?<![\\p{L}\\p{N}\\p{M}_])${escapeRegExp(s.value)}(?![\\p{L}\\p{N}\\p{M}_])`, 'gu'), marker: `[${s.name}]` }));
const keyShape = /(?<![A-Za-z0-9])(?:sk-[A-Za-z0-9_-]{20,}|mdb_[A-Za-z0-9._-]{10,}|AIza[A-Za-z0-9_-]{30,})/g;
function naiveScrub(input: string): string {
  let out = input;
  for (const { re, marker } of naivePatterns) out = out.replace(re, marker);
  return out.replace(keyShape, '[REDACTED_API_KEY]');
}

const scrubber = new Scrubber();
for (const s of secrets) scrubber.register(s.name, s.value);

function measure(fn: () => string): { median: number; min: number; out: string } {
  let out = '';
  for (let i = 0; i < 3; i++) out = fn(); // warm-up (and regex compilation)
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    out = fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)] ?? 0, min: times[0] ?? 0, out };
}

const compileStart = performance.now();
const fresh = new Scrubber();
for (const s of secrets) fresh.register(s.name, s.value);
fresh.scrub('x');
const compileMs = performance.now() - compileStart;

const naive = measure(() => naiveScrub(text));
const trie = measure(() => scrubber.scrub(text));
const leaked = secrets.filter((s) => trie.out.includes(s.value)).length;

console.log(`machine: ${os.cpus()[0]?.model ?? 'unknown'} x${os.cpus().length}, node ${process.version}`);
console.log(`text: ${(text.length / 1024 / 1024).toFixed(2)} MB, ${SECRETS} secrets registered, ${planted} occurrences planted, ${RUNS} runs each`);
console.log(`same output as naive: ${naive.out === trie.out}; secrets left in output: ${leaked}`);
console.log(`compile (register ${SECRETS} + first scrub): ${compileMs.toFixed(2)} ms`);
console.log(`naive per-secret loop: median ${naive.median.toFixed(2)} ms, min ${naive.min.toFixed(2)} ms`);
console.log(`Scrubber (one pass):   median ${trie.median.toFixed(2)} ms, min ${trie.min.toFixed(2)} ms`);
console.log(`speed-up (naive / Scrubber, medians): ${(naive.median / trie.median).toFixed(1)}x; target < 20 ms: ${trie.median < 20 ? 'met' : 'MISSED'}`);
