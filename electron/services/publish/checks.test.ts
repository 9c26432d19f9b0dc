import { pbkdf2Sync } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KilnError } from '../../../shared/contract/core';
import { hashPassword, normalizeEmails, resolveAccess } from './access';
import { dsVariables, pythonImports, requirementNames, uncoveredImports } from './python-imports';
import { scanFile, scanForSecrets } from './secret-scan';
import { tempDir, writeFiles } from './testing';

describe('backend.py checks', () => {
  const source = [
    'import os, json',
    'import numpy as np',
    'from fastapi import FastAPI',
    'from sklearn.linear_model import LinearRegression',
    'import yaml  # config',
    'from . import local_thing',
    'import helper',
    '    import pandas',
    '# import torch',
    'SECRETS = {"DS_POSTGRES_7E8971C3__PASSWORD": os.environ.get("DS_POSTGRES_7E8971C3__PASSWORD")}',
    'x = os.environ["DS_SNOWFLAKE_AB__TOKEN"]',
  ].join('\n');

  it('lists top-level imports with their lines and ignores comments and relative imports', () => {
    expect(pythonImports(source).map((i) => i.module)).toEqual(['os', 'json', 'numpy', 'fastapi', 'sklearn', 'yaml', 'helper', 'pandas']);
    expect(pythonImports(source).find((i) => i.module === 'sklearn')!.line).toBe(4);
  });

  it('warns about imports requirements.txt does not cover, mapping import names to packages', () => {
    const reqs = requirementNames('# deps\nfastapi==0.110\nPyYAML>=6\n-r other.txt\n\npandas\nuvicorn\n');
    expect(reqs).toEqual(['fastapi', 'PyYAML', 'pandas', 'uvicorn']);
    const missing = uncoveredImports(source, reqs, new Set(['helper']));
    // numpy comes with pandas; yaml is covered by PyYAML; os/json are stdlib; helper is local.
    expect(missing.map((m) => m.module)).toEqual(['sklearn']);
  });

  it('finds every DS_* variable with its first line', () => {
    expect(dsVariables(source)).toEqual([
      { name: 'DS_POSTGRES_7E8971C3__PASSWORD', line: 10 },
      { name: 'DS_SNOWFLAKE_AB__TOKEN', line: 11 },
    ]);
  });
});

describe('secret scan', () => {
  it('finds a registered value in any file, any extension, with file and line, and never echoes the value', async () => {
    const dir = await tempDir();
    await writeFiles(dir, {
      'static/data.json': '{\n  "rows": [],\n  "key": "hunter2-very-secret"\n}\n',
      'static/blob.bin': Buffer.concat([Buffer.from([0, 1, 2, 10]), Buffer.from('hunter2-very-secret'), Buffer.from([0])]),
      'static/ok.txt': 'xhunter2-very-secretx is glued to word characters, not a leak of the value on its own\n',
    });
    const files = ['static/data.json', 'static/blob.bin', 'static/ok.txt'].map((name) => ({ name, abs: path.join(dir, name) }));
    const problems = await scanForSecrets(files, [
      { name: 'DS_PG_X__PASSWORD', value: 'hunter2-very-secret' },
      { name: 'EMPTY', value: '' },
    ]);
    expect(problems.map((p) => [p.file, p.line])).toEqual([
      ['static/data.json', 3],
      ['static/blob.bin', 2],
    ]);
    expect(problems[0]!.kind).toBe('secret-in-bundle');
    expect(problems[0]!.message).toContain('DS_PG_X__PASSWORD');
    expect(problems[0]!.message).not.toContain('hunter2');
  });
});

describe('streaming secret scan', () => {
  /** Whole-buffer reference: every standalone occurrence's line. */
  function reference(text: string, needle: string): number[] {
    const out: number[] = [];
    for (let p = text.indexOf(needle); p >= 0 && out.length < 5; p = text.indexOf(needle, p + 1)) {
      const before = text[p - 1];
      const after = text[p + needle.length];
      if ((before && /\w/.test(before)) || (after && /\w/.test(after))) continue;
      out.push(text.slice(0, p).split('\n').length);
    }
    return out;
  }

  it('finds the same hits as a whole-file search for every chunk size, across chunk boundaries', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'data.txt');
    const needles = [{ name: 'A', bytes: Buffer.from('s3cr3t!') }, { name: 'B', bytes: Buffer.from('pw') }];
    const pieces = ['x', ' ', '\n', 's3cr3t!', 'pw', '_', '-', 'ab', '\n\n'];
    let seed = 7;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 20; round++) {
      let text = '';
      for (let i = 0; i < 120; i++) text += pieces[Math.floor(rand() * pieces.length)];
      await fs.writeFile(file, text);
      for (const chunk of [1, 2, 3, 5, 8, 13, 64 * 1024]) {
        const hits = await scanFile(file, needles, chunk);
        for (const n of needles) expect([round, chunk, n.name, hits.get(n.name) ?? []]).toEqual([round, chunk, n.name, reference(text, n.bytes.toString())]);
      }
    }
  });
});

describe('access', () => {
  it('hashes passwords as pbkdf2_sha256$200000$salt$dk, verifiable by recomputing PBKDF2', async () => {
    const hash = await hashPassword('correct horse');
    const [algo, iterations, salt, dk] = hash.split('$');
    expect(algo).toBe('pbkdf2_sha256');
    expect(iterations).toBe('200000');
    const saltBytes = Buffer.from(salt!, 'base64');
    expect(saltBytes.length).toBe(16);
    expect(pbkdf2Sync('correct horse', saltBytes, 200_000, 32, 'sha256').toString('base64')).toBe(dk);
    expect(pbkdf2Sync('wrong', saltBytes, 200_000, 32, 'sha256').toString('base64')).not.toBe(dk);
    // A fresh salt each time.
    expect((await hashPassword('correct horse')).split('$')[2]).not.toBe(salt);
  });

  it('normalizes e-mails: trimmed, lowercased, de-duplicated in first-seen order', () => {
    expect(normalizeEmails([' Ann@Example.com ', 'bob@x.org, ann@example.com', 'not-an-email'])).toEqual({
      valid: ['ann@example.com', 'bob@x.org'],
      invalid: ['not-an-email'],
    });
  });

  it('refuses restricted access without a valid e-mail (never silently public)', async () => {
    for (const emails of [[], ['  '], ['nope', 'also@nope']]) {
      const err = await resolveAccess({ mode: 'restricted', emails, orgAllowed: true }, null, null).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KilnError);
      expect((err as KilnError).code).toBe('VALIDATION');
    }
  });

  it('bumps pwd_version and access_version only on a real change', async () => {
    const first = await resolveAccess({ mode: 'password', password: 'pw1' }, null, null);
    expect(first.block).toMatchObject({ mode: 'password', pwd_version: 1 });
    expect(first.newPassword).toBe('pw1');
    const same = await resolveAccess({ mode: 'password' }, first.stored, 'pw1');
    expect(same.block).toMatchObject({ pwd_version: 1 });
    expect(same.newPassword).toBeNull();
    const changed = await resolveAccess({ mode: 'password', password: 'pw2' }, first.stored, 'pw1');
    expect(changed.block).toMatchObject({ pwd_version: 2 });
    await expect(resolveAccess({ mode: 'password' }, null, null)).rejects.toMatchObject({ code: 'VALIDATION' });

    const r1 = await resolveAccess({ mode: 'restricted', emails: ['a@x.io'], orgAllowed: false }, null, null);
    expect(r1.block).toEqual({ mode: 'restricted', allowed_emails: ['a@x.io'], org_allowed: false, access_version: 1 });
    const r2 = await resolveAccess({ mode: 'restricted', emails: ['A@x.io '], orgAllowed: false }, r1.stored, null);
    expect(r2.block).toMatchObject({ access_version: 1 });
    const r3 = await resolveAccess({ mode: 'restricted', emails: ['a@x.io'], orgAllowed: true }, r2.stored, null);
    expect(r3.block).toMatchObject({ access_version: 2, org_allowed: true });
  });
});
