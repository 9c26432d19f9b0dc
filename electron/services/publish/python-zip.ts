import { isUtf8 } from 'node:buffer';
import { crc32 } from 'node:zlib';
import pako from 'pako';

/**
 * The byte layout of a zip written by Python's `zipfile` the way anton's publisher writes it
 * (a `ZipInfo` with a fixed 1980-01-01 date, `ZIP_DEFLATED`, default level, on a seekable
 * buffer), so the same files give the same bytes and the same md5 in both tools.
 *
 * Facts of that layout (CPython `zipfile`, Unix):
 * - local header: version needed 20, flags 0 (0x800 when the name is not ASCII), method 8,
 *   DOS time 0 / date 0x0021, real CRC and sizes (Python seeks back to fill them in), no extra;
 * - central header: made by 0x0314 (Unix, 2.0), needed 20, no extra or comment, internal
 *   attributes 0, external attributes `0o600 << 16` (zipfile's default for a bare ZipInfo);
 * - end record with no comment.
 *
 * DEFLATE is pako's, not Node's: Node bundles Chromium's zlib, whose output differs from the
 * reference zlib that Python links, while pako reproduces reference zlib byte for byte.
 */

export const DOS_DATE_1980 = (0 << 9) | (1 << 5) | 1;
const VERSION = 20;
const MADE_BY_UNIX = (3 << 8) | VERSION;
const UTF8_FLAG = 0x800;
/** `?rw-------`: what `zipfile` gives an entry whose ZipInfo has no attributes of its own. */
const EXTERNAL_ATTR = (0o600 << 16) >>> 0;
const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;
const END_SIG = 0x06054b50;

export interface WrittenEntry {
  name: Buffer;
  flags: number;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

export function encodeName(name: string): { name: Buffer; flags: number } {
  const ascii = /^[\u0000-\u007f]*$/.test(name);
  return { name: Buffer.from(name, 'utf8'), flags: ascii ? 0 : UTF8_FLAG };
}

export function localHeader(e: Omit<WrittenEntry, 'offset'>): Buffer {
  const b = Buffer.alloc(30);
  b.writeUInt32LE(LOCAL_SIG, 0);
  b.writeUInt16LE(VERSION, 4);
  b.writeUInt16LE(e.flags, 6);
  b.writeUInt16LE(8, 8);
  b.writeUInt16LE(0, 10);
  b.writeUInt16LE(DOS_DATE_1980, 12);
  b.writeUInt32LE(e.crc >>> 0, 14);
  b.writeUInt32LE(e.compressed, 18);
  b.writeUInt32LE(e.size, 22);
  b.writeUInt16LE(e.name.length, 26);
  b.writeUInt16LE(0, 28);
  return Buffer.concat([b, e.name]);
}

export function centralDirectory(entries: readonly WrittenEntry[], start: number): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const b = Buffer.alloc(46);
    b.writeUInt32LE(CENTRAL_SIG, 0);
    b.writeUInt16LE(MADE_BY_UNIX, 4);
    b.writeUInt16LE(VERSION, 6);
    b.writeUInt16LE(e.flags, 8);
    b.writeUInt16LE(8, 10);
    b.writeUInt16LE(0, 12);
    b.writeUInt16LE(DOS_DATE_1980, 14);
    b.writeUInt32LE(e.crc >>> 0, 16);
    b.writeUInt32LE(e.compressed, 20);
    b.writeUInt32LE(e.size, 24);
    b.writeUInt16LE(e.name.length, 28);
    // extra, comment, disk, internal attributes: 0 (bytes 30..37)
    b.writeUInt32LE(EXTERNAL_ATTR, 38);
    b.writeUInt32LE(e.offset, 42);
    parts.push(b, e.name);
  }
  const dir = Buffer.concat(parts);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_SIG, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(start, 16);
  return Buffer.concat([dir, end]);
}

/** A raw DEFLATE stream at zlib's default level, fed in chunks; output arrives through `onData`. */
export class RawDeflater {
  private readonly deflate: InstanceType<typeof pako.Deflate>;
  crc = 0;
  size = 0;

  constructor(onData: (chunk: Buffer) => void) {
    this.deflate = new pako.Deflate({ level: 6, raw: true, chunkSize: 64 * 1024 });
    this.deflate.onData = (chunk) => onData(Buffer.from(chunk));
    this.deflate.onEnd = () => undefined;
  }

  push(chunk: Buffer): void {
    // pako ends the stream on an empty push without flush (zlib answers Z_BUF_ERROR).
    if (chunk.length === 0) return;
    this.crc = crc32(chunk, this.crc);
    this.size += chunk.length;
    if (!this.deflate.push(chunk, false)) throw new Error(`deflate failed: ${this.deflate.msg || 'stream ended'}`);
  }

  finish(): void {
    if (!this.deflate.push(new Uint8Array(0), true) || this.deflate.err) throw new Error(`deflate failed: ${this.deflate.msg || 'stream ended'}`);
  }
}

/** Python's `Path.suffix`: the last `.part` of the name, none for `.hidden` or `name.`. */
export function pythonSuffix(fileName: string): string {
  const i = fileName.lastIndexOf('.');
  return i > 0 && i < fileName.length - 1 ? fileName.slice(i) : '';
}

/** The extensions anton reads as text before zipping (and so re-encodes). */
const TEXT_SUFFIXES = new Set(['.html', '.htm', '.js', '.css', '.py', '.txt']);

export function isAntonTextFile(fileName: string): boolean {
  return TEXT_SUFFIXES.has(pythonSuffix(fileName).toLowerCase());
}

/**
 * What anton puts in the zip for a text file: it reads it with `read_text(encoding="utf-8",
 * errors="ignore")` and writes it back as UTF-8. So invalid UTF-8 is dropped (each maximal
 * invalid subpart, as Python's decoder does), a BOM is kept, and universal newlines turn
 * `\r\n` and a lone `\r` into `\n`.
 */
export function antonTextBytes(data: Buffer): Buffer {
  // Fast paths (native checks): valid UTF-8 needs only the newline rule, often not even that.
  if (isUtf8(data)) return data.indexOf(0x0d) < 0 ? data : newlinesOnly(data);
  const out = Buffer.allocUnsafe(data.length);
  let o = 0;
  let i = 0;
  while (i < data.length) {
    const b = data[i]!;
    if (b < 0x80) {
      if (b === 0x0d) {
        out[o++] = 0x0a;
        i += data[i + 1] === 0x0a ? 2 : 1;
      } else {
        out[o++] = b;
        i++;
      }
      continue;
    }
    const valid = validSequence(data, i);
    if (valid > 0) {
      data.copy(out, o, i, i + valid);
      o += valid;
      i += valid;
    } else {
      i += -valid; // drop the maximal invalid subpart
    }
  }
  return out.subarray(0, o);
}

/** `\r\n` and a lone `\r` → `\n`, copying the runs between them. */
function newlinesOnly(data: Buffer): Buffer {
  const out = Buffer.allocUnsafe(data.length);
  let o = 0;
  let i = 0;
  for (let cr = data.indexOf(0x0d); cr >= 0; cr = data.indexOf(0x0d, i)) {
    o += data.copy(out, o, i, cr);
    out[o++] = 0x0a;
    i = data[cr + 1] === 0x0a ? cr + 2 : cr + 1;
  }
  o += data.copy(out, o, i);
  return out.subarray(0, o);
}

/** Length of a valid UTF-8 sequence at `i` (> 0), or minus the length of the invalid part to drop. */
function validSequence(d: Buffer, i: number): number {
  const b = d[i]!;
  let need: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b >= 0xc2 && b <= 0xdf) need = 1;
  else if (b >= 0xe0 && b <= 0xef) {
    need = 2;
    if (b === 0xe0) lo = 0xa0;
    if (b === 0xed) hi = 0x9f;
  } else if (b >= 0xf0 && b <= 0xf4) {
    need = 3;
    if (b === 0xf0) lo = 0x90;
    if (b === 0xf4) hi = 0x8f;
  } else return -1;
  for (let k = 1; k <= need; k++) {
    const c = d[i + k];
    const [min, max] = k === 1 ? [lo, hi] : [0x80, 0xbf];
    if (c === undefined || c < min || c > max) return -k;
  }
  return need + 1;
}

/**
 * `antonTextBytes` over a stream: a trailing `\r` (maybe the first half of `\r\n`) and a UTF-8
 * sequence cut by the chunk boundary wait for the next chunk, so the result equals the
 * whole-file transform for any chunking.
 */
export class AntonTextStream {
  private carry: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer {
    const buf = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const cut = safeCut(buf);
    this.carry = Buffer.from(buf.subarray(cut));
    return antonTextBytes(buf.subarray(0, cut));
  }

  end(): Buffer {
    const rest = antonTextBytes(this.carry);
    this.carry = Buffer.alloc(0);
    return rest;
  }
}

function safeCut(d: Buffer): number {
  const len = d.length;
  if (len === 0) return 0;
  if (d[len - 1] === 0x0d) return len - 1;
  for (let j = len - 1; j >= Math.max(0, len - 3); j--) {
    const b = d[j]!;
    if (b < 0x80) return len;
    if (b < 0xc0) continue; // a continuation byte: look further back for its lead
    const need = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : 1;
    if (j + need < len) return len; // complete (valid or not): decided now
    const seen = validSequence(d, j);
    // Ran off the end with every byte so far acceptable: wait for the rest.
    return seen === -(len - j) ? j : len;
  }
  return len;
}
