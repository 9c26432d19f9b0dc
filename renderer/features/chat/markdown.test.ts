// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { renderBlockCached, renderMarkdown, splitBlocks } from './markdown';

describe('chat markdown', () => {
  it('renders GFM: tables, task lists, strikethrough', () => {
    const html = renderMarkdown('| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n\n~~old~~');
    expect(html).toContain('<table>');
    expect(html).toContain('<td>1</td>');
    expect(html).toMatch(/<input[^>]*checkbox|done/);
    expect(html).toContain('<del>old</del>');
  });

  it('strips scripts, event handlers and javascript: links from model text', () => {
    const html = renderMarkdown('<script>alert(1)</script><img src=x onerror="alert(2)"><iframe src="https://evil"></iframe>\n\n[click](javascript:alert(3)) and <a href="javascript:alert(4)">x</a>');
    expect(html).toContain('click');
    expect(html).not.toMatch(/<script|onerror|javascript:|<iframe/i);
  });

  it('highlights code blocks and adds a copy button', () => {
    const html = renderMarkdown('```python\ndef f():\n    return 1\n```');
    expect(html).toContain('class="code-copy"');
    expect(html).toContain('hljs-keyword');
    expect(html).toContain('<span class="code-lang">python</span>');
  });

  it('splits at blank lines but never inside a code fence', () => {
    const text = 'Intro line\n\n```js\nconst a = 1;\n\nconst b = 2;\n```\n\nOutro';
    expect(splitBlocks(text)).toEqual(['Intro line', '```js\nconst a = 1;\n\nconst b = 2;\n```', 'Outro']);
    // Rendering block by block gives the same text content as rendering it whole.
    const whole = document.createElement('div');
    whole.innerHTML = renderMarkdown(text);
    const parts = document.createElement('div');
    parts.innerHTML = splitBlocks(text).map(renderBlockCached).join('');
    expect(parts.textContent).toBe(whole.textContent);
  });

  it('leaves no empty block for trailing or repeated blank lines', () => {
    expect(splitBlocks('a\n\n\n\nb\n\n')).toEqual(['a', 'b']);
  });

  it('renders an unfinished fence while streaming without throwing', () => {
    expect(renderMarkdown('```py\nprint(1)')).toContain('print');
  });
});
