import { describe, expect, it } from 'vitest';
import { parseMcpServersJson, toServerName } from './import-config';
import { capResult, resultText } from './result';

describe('mcpServers JSON', () => {
  it('reads Claude Desktop and VS Code shapes; credentials by name become secrets', () => {
    const claude = parseMcpServersJson(
      JSON.stringify({
        mcpServers: {
          'Postgres (prod)': { command: 'npx', args: ['-y', 'pg-mcp'], env: { PGPASSWORD: 'x', PGHOST: 'db', GITHUB_PERSONAL_ACCESS_TOKEN: 't', DATABASE_URL: 'postgresql://me:s3cret@db/x', DOCS_URL: 'https://example.com/a@b' } },
          remote: { type: 'http', url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer z', 'X-Team': 'blue' } },
        },
      }),
    );
    expect(claude.skipped).toEqual([]);
    expect(claude.servers[0]).toMatchObject({ name: 'Postgres-prod', transport: 'stdio', command: 'npx', args: ['-y', 'pg-mcp'], enabled: true });
    expect(claude.servers[0]!.env.map((v) => [v.name, v.secret])).toEqual([
      ['PGPASSWORD', true],
      ['PGHOST', false],
      ['GITHUB_PERSONAL_ACCESS_TOKEN', true],
      ['DATABASE_URL', true],
      ['DOCS_URL', false],
    ]);
    expect(claude.servers[1]!.headers.map((v) => [v.name, v.secret])).toEqual([
      ['Authorization', true],
      ['X-Team', false],
    ]);
    const vscode = parseMcpServersJson('{"servers": {"files": {"command": "uvx", "args": ["mcp-files"]}}}');
    expect(vscode.servers.map((s) => s.name)).toEqual(['files']);
  });

  it('skips what it cannot use, with the reason', () => {
    const r = parseMcpServersJson(
      JSON.stringify({ mcpServers: { '***': { command: 'x' }, sse: { type: 'sse', url: 'http://h/sse' }, ftp: { url: 'ftp://h' }, nums: { command: 'x', args: [1] }, none: {} } }),
    );
    expect(r.servers).toEqual([]);
    expect(Object.fromEntries(r.skipped.map((s) => [s.name, s.reason]))).toEqual({
      '***': 'its name has no letters or digits Kiln can use',
      sse: 'SSE servers are not supported; use the server’s streamable HTTP address',
      ftp: 'the url must start with http:// or https://',
      nums: '"args" must be a list of text',
      none: '"command" (or "url") is missing',
    });
    expect(() => parseMcpServersJson('[]')).toThrow(/No "mcpServers"/);
    expect(toServerName('  my__weird.server  ')).toBe('my-weird-server');
  });
});

describe('MCP results', () => {
  it('turns parts into text the model reads, and caps a huge one with a note', () => {
    expect(
      resultText({
        content: [
          { type: 'text', text: 'rows: 3' },
          { type: 'image', mimeType: 'image/png', data: 'A'.repeat(4096) },
          { type: 'resource', resource: { uri: 'file:///a.csv', text: 'a,b\n1,2' } },
          { type: 'resource', resource: { uri: 'file:///b.bin', blob: 'AAAA', mimeType: 'application/octet-stream' } },
        ],
      }),
    ).toBe('rows: 3\n[image image/png, 3 KB — not shown to you]\na,b\n1,2\n[binary resource file:///b.bin, application/octet-stream]');
    expect(resultText({ content: [], structuredContent: { total: 5 } })).toBe('{"total":5}');
    expect(capResult('short')).toEqual({ text: 'short', truncated: false });
    const capped = capResult('a'.repeat(50_000) + 'TAIL', 1000);
    expect(capped.truncated).toBe(true);
    expect(capped.text).toContain('the tool returned 50,004 characters');
    expect(capped.text.endsWith('TAIL')).toBe(true);
  });
});
