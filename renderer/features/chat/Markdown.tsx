import { memo, type MouseEvent } from 'react';
import { api } from '../../api/client';
import { useShell } from '../../stores/shell';
import { renderBlockCached, renderMarkdown, splitBlocks } from './markdown';

const Block = memo(function Block({ html }: { html: string }) {
  return <div className="md-block" dangerouslySetInnerHTML={{ __html: html }} />;
});

function onClick(e: MouseEvent<HTMLDivElement>): void {
  const target = e.target as HTMLElement;
  const copy = target.closest('.code-copy');
  if (copy) {
    const code = copy.closest('.code-block')?.querySelector('code')?.textContent ?? '';
    void navigator.clipboard?.writeText(code).then(
      () => {
        copy.textContent = 'Copied';
        setTimeout(() => (copy.textContent = 'Copy'), 1500);
      },
      () => useShell.getState().notify({ level: 'error', message: 'Could not copy to the clipboard.' }),
    );
    return;
  }
  const link = target.closest('a');
  if (link?.href) {
    // Links never navigate the app window; http(s) ones open in the OS browser.
    e.preventDefault();
    if (/^https?:/i.test(link.href)) void api.call('app.openExternal', { url: link.href }).catch(() => undefined);
  }
}

/**
 * Markdown that streams cheaply: finished blocks are parsed once (memoized by text), only the
 * block still growing is parsed on each update.
 */
export function Markdown({ text, streaming }: { text: string; streaming: boolean }) {
  const blocks = splitBlocks(text);
  return (
    <div className="markdown" onClick={onClick}>
      {blocks.map((block, i) => (
        <Block key={i} html={streaming && i === blocks.length - 1 ? renderMarkdown(block) : renderBlockCached(block)} />
      ))}
    </div>
  );
}
