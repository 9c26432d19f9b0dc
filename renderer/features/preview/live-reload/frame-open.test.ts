/**
 * Pop-ups from previewed artifacts: the pane opens a page's URL in the OS browser only right
 * after a click in that frame, only http(s), and never faster than the open limiter allows —
 * so a page can't open tabs on load, behind the user's back, or in a flood.
 */
import { describe, expect, it } from 'vitest';
import { createOpenLimiter } from '../../../../shared/lib/open-limit';
import { createFrameOpenRule } from './frame-open';
import { parseFrameMessage } from './frame-messages';

const clicked = { activated: true, frameFocused: true };

describe('the frame open rule', () => {
  it('opens an http(s) link right after a click in the frame', () => {
    const rule = createFrameOpenRule(() => true);
    expect(rule('https://example.com/a?b=1', clicked)).toEqual({ open: 'https://example.com/a?b=1' });
  });

  it('refuses without a click (page load, a timer), or when the click was in Kiln, not the frame', () => {
    const rule = createFrameOpenRule(() => true);
    expect(rule('https://example.com', { activated: false, frameFocused: true })).toEqual({ refused: 'no-gesture' });
    expect(rule('https://example.com', { activated: true, frameFocused: false })).toEqual({ refused: 'no-gesture' });
  });

  it('refuses anything but plain http(s), even after a click', () => {
    const rule = createFrameOpenRule(() => true);
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'vscode://open', 'https://user:pw@example.com', 'not a url']) {
      expect(rule(url, clicked)).toEqual({ refused: 'not-http' });
    }
  });

  it('a burst of 20 clicked opens gets through at most the limit, and refused asks use none of it', () => {
    let t = 0;
    const rule = createFrameOpenRule(createOpenLimiter({ now: () => t }));
    for (let i = 0; i < 10; i++) rule('https://example.com', { activated: false, frameFocused: false });
    const opened = Array.from({ length: 20 }, (_, i) => {
      t = i * 100;
      return 'open' in rule(`https://example.com/${i}`, clicked);
    }).filter(Boolean).length;
    expect(opened).toBe(2); // one per second over 2 s
  });
});

describe('parseFrameMessage: open', () => {
  it('takes a string URL up to app.openExternal\'s 4096 characters, nothing else', () => {
    expect(parseFrameMessage({ kiln: 1, type: 'open', url: 'https://a.test' })).toEqual({ kiln: 1, type: 'open', url: 'https://a.test' });
    expect(parseFrameMessage({ kiln: 1, type: 'open', url: 42 })).toBeNull();
    expect(parseFrameMessage({ kiln: 1, type: 'open', url: `https://a.test/${'x'.repeat(5000)}` })).toBeNull();
  });
});
