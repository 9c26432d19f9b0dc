// @vitest-environment jsdom
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { MarkdownView } from './MarkdownView';

afterEach(cleanup);

describe('document preview', () => {
  it('renders markdown as HTML', () => {
    const { container } = render(<MarkdownView text={'# Title\n\n- one\n- **two**\n\n| a | b |\n|---|---|\n| 1 | 2 |'} />);
    expect(container.querySelector('h1')?.textContent).toBe('Title');
    expect(container.querySelectorAll('li')).toHaveLength(2);
    expect(container.querySelector('table td')?.textContent).toBe('1');
  });

  it('strips scripts, event handlers, javascript: links and forms from an untrusted document', () => {
    const evil = [
      '<script>window.pwned = 1</script>',
      '<img src="x" onerror="window.pwned = 2">',
      '[click](javascript:alert(1))',
      '<form action="https://evil.example"><input name="q"><button>go</button></form>',
      '<iframe src="https://evil.example"></iframe>',
    ].join('\n\n');
    const { container } = render(<MarkdownView text={evil} />);
    expect(container.querySelector('script, iframe, form, input, button')).toBeNull();
    expect(container.querySelector('[onerror]')).toBeNull();
    for (const a of container.querySelectorAll('a')) expect(a.getAttribute('href') ?? '').not.toMatch(/^javascript:/i);
    expect((window as unknown as { pwned?: number }).pwned).toBeUndefined();
  });

  it('shows non-markdown text verbatim', () => {
    const { container } = render(<MarkdownView text={'<b>not html</b>'} plain />);
    expect(container.querySelector('pre')?.textContent).toBe('<b>not html</b>');
    expect(container.querySelector('b')).toBeNull();
  });
});
