import { describe, expect, it } from 'vitest';
import { parseWebHostArgs } from './args';

describe('web host arguments', () => {
  it('reads every flag, in both spellings', () => {
    expect(parseWebHostArgs(['--workspace', '/w', '--user-data=/u', '--port', '4123', '--no-open'], {})).toEqual({
      workspace: '/w', userData: '/u', port: 4123, open: false,
    });
  });
  it('takes KILN_WORKSPACE and KILN_USER_DATA when flags are absent; flags win', () => {
    const env = { KILN_WORKSPACE: '/env-w', KILN_USER_DATA: '/env-u' };
    expect(parseWebHostArgs([], env)).toMatchObject({ workspace: '/env-w', userData: '/env-u', port: 0, open: true });
    expect(parseWebHostArgs(['--workspace', '/flag'], env).workspace).toBe('/flag');
  });
  it('refuses bad input with a usage message', () => {
    expect(() => parseWebHostArgs(['--port', 'abc'], {})).toThrow(/--port must be a number/);
    expect(() => parseWebHostArgs(['--port', '70000'], {})).toThrow(/--port/);
    expect(() => parseWebHostArgs(['--workspace'], {})).toThrow(/needs a value/);
    expect(() => parseWebHostArgs(['--frobnicate'], {})).toThrow(/Unknown option "--frobnicate"[\s\S]*Usage/);
  });
});
