import { describe, expect, it } from 'vitest';
import { resolveProvider } from './provider';

describe('resolveProvider', () => {
  it('uses the settings when they are set', () => {
    expect(resolveProvider({ baseUrl: 'http://localhost:11434/v1', model: 'llama3' }, { OPENAI_BASE_URL: 'http://x/v1', KILN_MODEL: 'm' }, 'k')).toEqual({
      baseUrl: 'http://localhost:11434/v1',
      model: 'llama3',
      apiKey: 'k',
    });
  });

  it('falls back to OPENAI_BASE_URL and KILN_MODEL when settings are empty or stock', () => {
    expect(resolveProvider({ baseUrl: 'https://api.openai.com/v1', model: '' }, { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', KILN_MODEL: 'test-model' }, null)).toEqual({
      baseUrl: 'http://127.0.0.1:9/v1',
      model: 'test-model',
      apiKey: '',
    });
    expect(resolveProvider({ baseUrl: '', model: '' }, {}, null).baseUrl).toBe('https://api.openai.com/v1');
  });
});
