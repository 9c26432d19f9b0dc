import { describe, expect, it } from 'vitest';
import { findArgSecrets, hasClearSecretArg, isCredentialFlag, resolveArgs, shownArg } from './secret-args';

const secrets = (args: string[]) => findArgSecrets(args).map((s) => (s ? `${s.key}: ${s.before}[${s.value}]${s.after}` : null));

describe('secrets inside MCP server arguments', () => {
  it('finds a URL password, --flag=value, a value after a credential flag, NAME=value and a credential header', () => {
    expect(
      secrets([
        '-y',
        '@modelcontextprotocol/server-postgres',
        'postgresql://user:Pa55word@db.example:5432/shop',
        '--api-key=sk-abc123',
        '--password',
        'xyz',
        '-token',
        'ghp_1',
        'GITHUB_TOKEN=ghp_2',
        '--dsn=mysql://root:r00t@127.0.0.1/x',
        '--header',
        'Authorization: Bearer live-token',
        '-H',
        'X-Api-Key:k-9',
      ]),
    ).toEqual([
      null,
      null,
      'url: postgresql://user:[Pa55word]@db.example:5432/shop',
      'api-key: --api-key=[sk-abc123]',
      null,
      'password: [xyz]',
      null,
      'token: [ghp_1]',
      'github_token: GITHUB_TOKEN=[ghp_2]',
      'url: --dsn=mysql://root:[r00t]@127.0.0.1/x',
      null,
      'header-authorization: Authorization: [Bearer live-token]',
      null,
      'header-x-api-key: X-Api-Key:[k-9]',
    ]);
  });

  it('leaves alone what only names where a secret is, negated flags, references and ordinary arguments', () => {
    expect(
      secrets([
        '--token-file',
        '/run/secrets/token',
        '--key-path=/etc/key.pem',
        '--password-env',
        'PGPASSWORD',
        '--auth-type',
        'basic',
        '--no-auth',
        '/data',
        '--api-key',
        '--verbose',
        '--token=${API_TOKEN}',
        '--header',
        'Authorization: Bearer ${AUTH_TOKEN}',
        '--header',
        'X-Team: blue',
        'https://example.com/a@b',
        '--port=5432',
        'REGION=eu',
        '--password=',
      ]),
    ).toEqual(Array(20).fill(null));
    expect(isCredentialFlag('api-key')).toBe(true);
    expect(isCredentialFlag('db.password')).toBe(true);
    expect(isCredentialFlag('keyfile')).toBe(true); // the variables' rule: a false alarm only costs a keychain entry
    expect(isCredentialFlag('verbose')).toBe(false);
  });

  it('masks the secret part for the page and puts the value back for the spawn', async () => {
    const args = ['--dsn', { secret: true as const, key: 'url', before: 'postgresql://u:', after: '@h/db' }, { secret: true as const, key: 'api-key', before: '--api-key=', after: '' }];
    expect(args.map(shownArg)).toEqual(['--dsn', 'postgresql://u:••••@h/db', '--api-key=••••']);
    const store = new Map([['mcp.pg.arg.url', 'pw-1'], ['mcp.pg.arg.api-key', 'sk-2']]);
    expect(await resolveArgs('pg', args, async (a) => store.get(a) ?? null)).toEqual(['--dsn', 'postgresql://u:pw-1@h/db', '--api-key=sk-2']);
    store.delete('mcp.pg.arg.api-key');
    await expect(resolveArgs('pg', args, async (a) => store.get(a) ?? null)).rejects.toThrow(
      'The secret in argument 3 (--api-key=••••) of the MCP server "pg" is not in the keychain. Edit the server in Settings → Tools and type that argument again in full.',
    );
    expect(hasClearSecretArg(args)).toBe(false);
    expect(hasClearSecretArg(['--api-key', 'sk-clear'])).toBe(true);
    expect(hasClearSecretArg([{ secret: true, key: 'api-key', before: '', after: '' }, 'x'])).toBe(false);
  });
});
