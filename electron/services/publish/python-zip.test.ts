import { describe, expect, it } from 'vitest';
import { AntonTextStream, antonTextBytes, isAntonTextFile, pythonSuffix } from './python-zip';

/** What Python's read_text(encoding="utf-8", errors="ignore") + encode gives, worked out by hand. */
const SAMPLE = Buffer.concat([
  Buffer.from('a\r\nb\rc'),
  Buffer.from([0xff, 0xe2, 0x82, 0x20, 0xf0, 0x9f, 0x98, 0x80, 0xed, 0xa0, 0x80, 0xc3, 0xa9, 0x0d]),
  Buffer.from('\uFEFFz\r'),
]);
const EXPECTED = Buffer.concat([Buffer.from('a\nb\nc'), Buffer.from([0x20, 0xf0, 0x9f, 0x98, 0x80, 0xc3, 0xa9, 0x0a]), Buffer.from('\uFEFFz\n')]);

describe("anton's text re-encoding", () => {
  it('turns CRLF and CR into LF, drops each invalid UTF-8 part, keeps a BOM', () => {
    expect(antonTextBytes(SAMPLE).equals(EXPECTED)).toBe(true);
    expect(antonTextBytes(Buffer.from('plain\n')).toString()).toBe('plain\n');
  });

  it('gives the same bytes streamed, for every chunk size', () => {
    for (let size = 1; size <= SAMPLE.length; size++) {
      const s = new AntonTextStream();
      const parts: Buffer[] = [];
      for (let i = 0; i < SAMPLE.length; i += size) parts.push(s.push(SAMPLE.subarray(i, i + size)));
      parts.push(s.end());
      expect(Buffer.concat(parts).equals(EXPECTED), `chunk ${size}`).toBe(true);
    }
  });

  it("uses Python's idea of a suffix for which files count as text", () => {
    expect(['page.HTML', 'a.js', 'x.tar.py'].map(isAntonTextFile)).toEqual([true, true, true]);
    expect(['.html', 'data.json', 'README.md', 'txt'].map(isAntonTextFile)).toEqual([false, false, false, false]);
    expect(pythonSuffix('name.')).toBe('');
  });
});
