import { describe, expect, it } from 'vitest';
import { preferSetting, settingOrEnv } from './prefer-setting';

describe('preferSetting', () => {
  it('a non-empty setting wins over the environment', () => {
    expect(preferSetting('  /opt/py/bin/python3 ', '/usr/bin/python3')).toEqual({ value: '/opt/py/bin/python3', source: 'setting' });
  });

  it('an empty or blank setting gives way to the environment, trimmed', () => {
    expect(preferSetting('', ' http://127.0.0.1:9/v1 ')).toEqual({ value: 'http://127.0.0.1:9/v1', source: 'env' });
    expect(preferSetting('   ', 'm')).toEqual({ value: 'm', source: 'env' });
    expect(preferSetting(undefined, 'm')).toEqual({ value: 'm', source: 'env' });
  });

  it('a setting still at the stock default counts as unset', () => {
    const stock = 'https://api.openai.com/v1';
    expect(preferSetting(stock, 'http://local/v1', stock)).toEqual({ value: 'http://local/v1', source: 'env' });
    expect(preferSetting(stock, '', stock)).toEqual({ value: stock, source: 'default' });
    expect(preferSetting('https://other/v1', 'http://local/v1', stock)).toEqual({ value: 'https://other/v1', source: 'setting' });
  });

  it('falls back to the default when both are empty', () => {
    expect(preferSetting('', undefined)).toEqual({ value: '', source: 'default' });
    expect(preferSetting(null, '  ', 'x')).toEqual({ value: 'x', source: 'default' });
    expect(settingOrEnv('', '', 'fallback')).toBe('fallback');
  });
});
