import { describe, expect, it } from 'vitest';
import { evaluateMarker } from './markers';
import { satisfiesSpecifiers } from './pep440';
import { checkRequirements, parseRequirement, type Inventory } from './requirement-check';

describe('PEP 440 specifiers (as pip judges an installed version)', () => {
  it.each([
    ['0.92.0', '>=0.90', true],
    ['0.92.0', '>=0.100', false],
    ['0.92.0', '==0.92', true],
    ['0.92.0', '==0.92.*', true],
    ['0.92.0', '!=0.92.*', false],
    ['1.10.4', '>=1.6.2,<2.0.0,!=1.8', true],
    ['1.8', '>=1.6.2,<2.0.0,!=1.8', false],
    ['2.2.0', '~=2.1', true],
    ['3.0', '~=2.1', false],
    ['2.1.5', '~=2.1.0', true],
    ['2.2.0', '~=2.1.0', false],
    ['1.0rc1', '<1.0', false],
    ['1.0rc1', '>=1.0rc1', true],
    ['1.0.post1', '>1.0', false],
    ['1.1', '>1.0', true],
    ['1!0.5', '>=2.0', true],
    ['1.0+local.7', '==1.0', true],
    ['1.0', '===1.0', true],
    ['1.0.dev3', '<1.0', false],
    ['0.17.6', '>=0.17,<0.18', true],
  ])('%s against %s → %s', (version, spec, expected) => {
    expect(satisfiesSpecifiers(version, spec)).toBe(expected);
  });
  it('answers "unknown" for what it cannot read, never a guess', () => {
    expect(satisfiesSpecifiers('not-a-version', '>=1')).toBeNull();
    expect(satisfiesSpecifiers('1.0', '=>1')).toBeNull();
  });
});

describe('PEP 508 markers', () => {
  const env = { python_version: '3.11', python_full_version: '3.11.2', sys_platform: 'linux', platform_system: 'Linux', os_name: 'posix', implementation_name: 'cpython', platform_machine: 'x86_64' };
  it.each([
    ['python_version < "3.12"', true],
    ['python_version >= "3.12"', false],
    ['sys_platform == "win32" or platform_system == "Linux"', true],
    ['(os_name == "posix" and python_full_version >= "3.11.1") and implementation_name == "cpython"', true],
    ['"linux" in sys_platform', true],
    ['platform_machine not in "arm64 aarch64"', true],
  ])('%s → %s', (marker, expected) => {
    expect(evaluateMarker(marker, env)).toBe(expected);
  });
  it('is unknown for a variable it lacks or broken syntax', () => {
    expect(evaluateMarker('python_version < "3.12" and', env)).toBeNull();
    expect(evaluateMarker('nonsense_var == "x"', env)).toBeNull();
  });
});

describe('checking requirements against installed distributions', () => {
  const inv: Inventory = {
    env: { python_version: '3.11', sys_platform: 'linux' },
    dists: {
      fastapi: { version: '0.92.0', requires: ['starlette<0.26.0,>=0.25.0', 'httpx>=0.23.0; extra == "all"'] },
      uvicorn: { version: '0.17.6', requires: ['click>=7.0', 'websockets>=10.0; extra == "standard"'] },
      websockets: { version: '10.4', requires: [] },
      'typing-extensions': { version: '4.4.0', requires: [] },
    },
  };
  it('passes names, specifiers, normalised spellings and satisfied extras', () => {
    const v = checkRequirements(['fastapi>=0.90', 'Typing_Extensions', 'uvicorn[standard]', 'pywin32; sys_platform == "win32"'], inv);
    expect(v.every((x) => x.satisfied)).toBe(true);
  });
  it('says which line is missing and why', () => {
    const v = checkRequirements(['mangum', 'fastapi>=0.100', 'fastapi[all]', 'pkg @ https://example.com/pkg.whl'], inv);
    expect(v.map((x) => (x.satisfied ? 'ok' : x.reason))).toEqual([
      'mangum is not installed',
      'fastapi 0.92.0 does not match >=0.100',
      'fastapi[all] needs httpx is not installed',
      '"pkg @ https://example.com/pkg.whl" is not a plain name and version, so pip decides',
    ]);
  });
  it('reads requirement lines the way pip does', () => {
    expect(parseRequirement('uvicorn[standard] (>=0.17, <1)')).toEqual({ name: 'uvicorn', extras: ['standard'], specifiers: '>=0.17, <1', marker: null });
    expect(parseRequirement('requests>=2 ; python_version < "3.12"')).toMatchObject({ name: 'requests', specifiers: '>=2', marker: 'python_version < "3.12"' });
    expect(parseRequirement('./local/pkg')).toBeNull();
    expect(parseRequirement('weird=>1')).toBeNull();
  });
});
