import { describe, expect, it } from 'vitest';
import { validateExternalUrl } from './open-external';

describe('validateExternalUrl', () => {
  it('lets http and https through', () => {
    expect(validateExternalUrl('https://view.mindshub.ai/r/abc')).toBe('https://view.mindshub.ai/r/abc');
    expect(validateExternalUrl('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080/');
  });
  it.each(['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'vscode://x', 'data:text/html,hi'])('refuses %s', (url) => {
    expect(() => validateExternalUrl(url)).toThrow(/only opens http and https/);
  });
  it('refuses garbage and embedded credentials', () => {
    expect(() => validateExternalUrl('not a url')).toThrow(/not a valid URL/);
    expect(() => validateExternalUrl('https://user:pw@example.com')).toThrow(/user name or password/);
  });
});
