import { describe, expect, it } from 'vitest';
import { REDACTED_API_KEY, Scrubber, scrubJsonText, scrubToJson, secretFragments } from './scrubber';

function scrubberWith(entries: Record<string, string>): Scrubber {
  const s = new Scrubber();
  for (const [name, value] of Object.entries(entries)) s.register(name, value);
  return s;
}

describe('Scrubber', () => {
  it('replaces a registered value with its variable marker', () => {
    const s = scrubberWith({ DS_POSTGRES_7E8971C3__PASSWORD: 'hunter2' });
    expect(s.scrub('login failed for password hunter2, retry')).toBe(
      'login failed for password [DS_POSTGRES_7E8971C3__PASSWORD], retry',
    );
  });

  it('scrubs a 1-character secret only where it stands alone', () => {
    const s = scrubberWith({ DS_X__PIN: 'x' });
    expect(s.scrub('max x y x.')).toBe('max [DS_X__PIN] y [DS_X__PIN].');
    expect(s.scrub('xylophone box')).toBe('xylophone box');
  });

  it('never registers an empty value (an empty secret must not match everywhere)', () => {
    const s = scrubberWith({ DS_X__PASSWORD: '' });
    expect(s.size).toBe(0);
    expect(s.scrub('nothing to hide')).toBe('nothing to hide');
  });

  it('scrubs overlapping secrets longest first', () => {
    const s = scrubberWith({ SHORT: 'abc', LONG: 'abc def', MID: 'abc de' });
    expect(s.scrub('a abc def b abc c abc de')).toBe('a [LONG] b [SHORT] c [MID]');
    // A secret that is a prefix of another never leaves a tail of the longer one behind.
    const t = scrubberWith({ A: 'pass', B: 'pass-word-2' });
    expect(t.scrub('pass-word-2 and pass')).toBe('[B] and [A]');
  });

  it('falls back to a shorter secret when the longer one is not at a word boundary', () => {
    const s = scrubberWith({ A: 'tok', B: 'tok-en' });
    expect(s.scrub('tok-enx')).toBe('[A]-enx');
  });

  it('scrubs secrets inside URLs and JSON', () => {
    const s = scrubberWith({ DS_PG__PASSWORD: 's3cr3t!', DS_API__TOKEN: 'tkn_42abc' });
    expect(s.scrub('postgres://bob:s3cr3t!@db.example.com:5432/sales')).toBe(
      'postgres://bob:[DS_PG__PASSWORD]@db.example.com:5432/sales',
    );
    expect(s.scrub('https://api.example.com/v1?token=tkn_42abc&x=1')).toBe(
      'https://api.example.com/v1?token=[DS_API__TOKEN]&x=1',
    );
    const json = JSON.stringify({ host: 'db.example.com', password: 's3cr3t!', token: 'tkn_42abc' });
    expect(JSON.parse(s.scrub(json))).toEqual({
      host: 'db.example.com',
      password: '[DS_PG__PASSWORD]',
      token: '[DS_API__TOKEN]',
    });
  });

  it('keeps non-secret fields such as the host readable', () => {
    const s = new Scrubber();
    s.register('DS_PG__PASSWORD', 'pw-9');
    const text = 'host=db.internal port=5432 user=analyst database=sales';
    expect(s.scrub(text)).toBe(text);
  });

  it('redacts known API-key shapes even when nobody registered them', () => {
    const s = new Scrubber();
    const openai = `sk-${'a1B2'.repeat(6)}`;
    const project = `sk-proj-${'Zx_9'.repeat(8)}`;
    const mindsdb = 'mdb_0123456789.abc';
    const google = `AIza${'Q'.repeat(35)}`;
    expect(s.scrub(`key ${openai} and "${project}"`)).toBe(`key ${REDACTED_API_KEY} and "${REDACTED_API_KEY}"`);
    expect(s.scrub(`Authorization: Bearer ${mindsdb}`)).toBe(`Authorization: Bearer ${REDACTED_API_KEY}`);
    expect(s.scrub(`?key=${google}`)).toBe(`?key=${REDACTED_API_KEY}`);
  });

  it('leaves short sk- strings and ordinary hyphenated words alone', () => {
    const s = new Scrubber();
    expect(s.scrub('sk-123 and sk-short-thing')).toBe('sk-123 and sk-short-thing');
    expect(s.scrub('disk-usage-dashboard-2026-06-01-1a2b3c4d')).toBe('disk-usage-dashboard-2026-06-01-1a2b3c4d');
    expect(s.scrub('mdb_short AIzaShort')).toBe('mdb_short AIzaShort');
  });

  it('prefers the registered name over the generic redaction for a registered key', () => {
    const key = `sk-${'k'.repeat(40)}`;
    const s = scrubberWith({ OPENAI_API_KEY: key });
    expect(s.scrub(`using ${key}`)).toBe('using [OPENAI_API_KEY]');
  });

  it('treats regex metacharacters, newlines and unicode in values literally', () => {
    const s = scrubberWith({ A: 'a.b*c(d)[e]$^|\\', B: 'pässwörd', C: 'line1\nline2', D: '🔑🔑' });
    expect(s.scrub('x a.b*c(d)[e]$^|\\ y')).toBe('x [A] y');
    expect(s.scrub('axbxc')).toBe('axbxc');
    expect(s.scrub('pw: pässwörd.')).toBe('pw: [B].');
    // Unicode letters count as word characters, as in Python's \w.
    expect(s.scrub('épässwörd')).toBe('épässwörd');
    expect(s.scrub('>line1\nline2<')).toBe('>[C]<');
    expect(s.scrub('key 🔑🔑 here')).toBe('key [D] here');
  });

  it('keeps scrubbing a replaced value, and stops after unregister', () => {
    const s = scrubberWith({ A: 'alpha1' });
    s.register('A', 'beta2');
    expect(s.scrub('alpha1 beta2')).toBe('[A] [A]');
    expect(s.entries()).toEqual([
      { name: 'A', value: 'alpha1' },
      { name: 'A', value: 'beta2' },
    ]);
    s.unregister('A');
    expect(s.scrub('alpha1 beta2')).toBe('alpha1 beta2');
    expect(s.entries()).toEqual([]);
  });

  it('scrubs a large value such as a service-account JSON', () => {
    const big = JSON.stringify({ type: 'service_account', private_key: `-----BEGIN PRIVATE KEY-----\n${'M'.repeat(64 * 1024)}\n-----END-----` });
    const s = scrubberWith({ DS_BQ__SERVICE_ACCOUNT_JSON: big });
    expect(s.scrub(`creds: ${big} end`)).toBe('creds: [DS_BQ__SERVICE_ACCOUNT_JSON] end');
  });

  it('scrubs many secrets in one pass', () => {
    const s = new Scrubber();
    const values: string[] = [];
    for (let i = 0; i < 300; i++) {
      const v = `secret${i.toString(36)}x${(i * 7919).toString(16)}`;
      values.push(v);
      s.register(`V${i}`, v);
    }
    const text = values.map((v, i) => `row ${i}: ${v};`).join('\n');
    const out = s.scrub(text);
    for (const v of values) expect(out).not.toContain(v);
    expect(out.split('\n')[17]).toBe('row 17: [V17];');
  });

  it('matches a per-secret reference implementation on random overlapping secrets', () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const alphabet = 'ab-_. xé';
    const word = (len: number): string => Array.from({ length: len }, () => alphabet.charAt(rand(alphabet.length))).join('');
    for (let round = 0; round < 200; round++) {
      const values = [...new Set(Array.from({ length: 1 + rand(6) }, () => word(1 + rand(4))))].filter((v) => v !== '');
      const s = new Scrubber();
      values.forEach((v, i) => s.register(`V${i}`, v));
      const text = word(30);
      // Reference: at each position try values longest first, with the same boundary rule.
      const isWord = (ch: string | undefined): boolean => ch !== undefined && /[\p{L}\p{N}\p{M}_]/u.test(ch);
      const sorted = values.map((v, i) => ({ v, name: `V${i}` })).sort((a, b) => b.v.length - a.v.length);
      let expected = '';
      for (let i = 0; i < text.length; ) {
        const hit = sorted.find(({ v }) => text.startsWith(v, i) && !isWord(text[i - 1]) && !isWord(text[i + v.length]));
        if (hit) {
          expected += `[${hit.name}]`;
          i += hit.v.length;
        } else {
          expected += text[i];
          i += 1;
        }
      }
      expect(s.scrub(text), JSON.stringify({ values, text })).toBe(expected);
    }
  });
});

describe('structured secrets (multi-line, JSON)', () => {
  const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nq9Zx1lWv3m0h2x5RkP4eYtQ8cT0nJ3mVbX6sA2dFgH7jKlM9nBv\n-----END PRIVATE KEY-----\n';
  const sa = JSON.stringify({ type: 'service_account', project_id: 'acme-analytics', private_key: pem, client_email: 'kiln@acme.iam.gserviceaccount.com' });

  it('scrubs the lines of a multi-line secret when a log carries them one by one', () => {
    const s = new Scrubber();
    s.register('DS_BIGQUERY_AB12CD34__SERVICE_ACCOUNT_JSON', sa);
    for (const line of pem.split('\n').filter((l) => l.length > 20)) {
      expect(s.scrub(`backend: ${line}`)).toBe('backend: [DS_BIGQUERY_AB12CD34__SERVICE_ACCOUNT_JSON]');
    }
  });

  it('scrubs the private key field printed on its own and the value inside JSON text', () => {
    const s = new Scrubber();
    s.register('DS_BIGQUERY_AB12CD34__SERVICE_ACCOUNT_JSON', sa);
    const printed = `key is:\n${pem}`;
    expect(s.scrub(printed)).not.toContain('MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7');
    const asJson = JSON.stringify({ stdout: pem });
    expect(s.scrub(asJson)).not.toContain('MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7');
    expect(s.scrub(sa)).toBe('[DS_BIGQUERY_AB12CD34__SERVICE_ACCOUNT_JSON]');
  });

  it('leaves short lines and ordinary text alone', () => {
    const s = new Scrubber();
    s.register('DS_GENERIC_AB12CD34__CONFIG', '{\n  "a": 1\n}\n');
    expect(s.scrub('{\n  "a": 2\n}')).toBe('{\n  "a": 2\n}');
    expect(secretFragments('ab\ncd')).toEqual([]);
  });
});

describe('scrubbing structured results', () => {
  const s = new Scrubber();
  s.register('DS_POSTGRES_7E8971C3__PASSWORD', 'S3cretPass');
  s.register('DS_X__QUOTED', 'pa"ss\\word');
  const scrub = (t: string) => s.scrub(t);

  it('catches a secret at the start of a line inside a tool result (JSON would put \\n before it)', () => {
    const json = scrubToJson({ success: true, stdout: 'host=db.local\nS3cretPass\n' }, scrub);
    expect(json).not.toContain('S3cretPass');
    expect(JSON.parse(json).stdout).toBe('host=db.local\n[DS_POSTGRES_7E8971C3__PASSWORD]\n');
  });

  it('catches values JSON escapes, and leaves other data as it was', () => {
    const json = scrubToJson({ out: ['x pa"ss\\word y'], n: 3, ok: null }, scrub);
    expect(JSON.parse(json)).toEqual({ out: ['x [DS_X__QUOTED] y'], n: 3, ok: null });
  });

  it('scrubs tool-call argument text, malformed or not', () => {
    expect(JSON.parse(scrubJsonText('{"code":"print(1)\\nS3cretPass"}', scrub)).code).toBe('print(1)\n[DS_POSTGRES_7E8971C3__PASSWORD]');
    expect(scrubJsonText('{"code": "S3cretPass', scrub)).toBe('{"code": "[DS_POSTGRES_7E8971C3__PASSWORD]');
  });
});
