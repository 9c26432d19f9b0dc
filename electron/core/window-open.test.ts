import { describe, expect, it } from 'vitest';
import { createOpenLimiter } from '../../shared/lib/open-limit';
import { windowOpenDecision } from './window-open';

describe('windowOpenDecision (Electron setWindowOpenHandler)', () => {
  it('sends an http(s) URL to the OS browser, drops other schemes without using the allowance', () => {
    const allow = createOpenLimiter({ now: () => 0 });
    expect(windowOpenDecision('file:///etc/passwd', allow)).toBeNull();
    expect(windowOpenDecision('javascript:alert(1)', allow)).toBeNull();
    expect(windowOpenDecision('https://user:pw@example.com/', allow)).toBeNull();
    expect(windowOpenDecision('https://example.com/a', allow)).toBe('https://example.com/a');
  });

  it('a burst of 20 opens one tab; the rest are dropped', () => {
    const allow = createOpenLimiter({ now: () => 0 });
    const opened = Array.from({ length: 20 }, () => windowOpenDecision('https://example.com/', allow)).filter(Boolean);
    expect(opened).toHaveLength(1);
  });
});
