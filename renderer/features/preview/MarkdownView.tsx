import { marked } from 'marked';
import { useMemo, type MouseEvent } from 'react';
import { api } from '../../api/client';
import { externalLinkTarget, sanitizeUntrusted } from '../../components/untrusted-html';

/**
 * Markdown rendered with marked and sanitized with DOMPurify before it reaches the DOM:
 * an artifact is untrusted content, so no script, handler or form survives.
 */
export function MarkdownView({ text, plain }: { text: string; plain?: boolean }) {
  const html = useMemo(() => {
    if (plain) return null;
    const raw = marked.parse(text, { async: false, gfm: true });
    return sanitizeUntrusted(raw);
  }, [text, plain]);
  if (html === null) return <pre className="preview-text">{text}</pre>;
  return <div className="preview-markdown" onClick={openLinksOutside} dangerouslySetInnerHTML={{ __html: html }} />;
}

/** A link in a previewed document opens in the OS browser; it never navigates the Kiln window. */
function openLinksOutside(e: MouseEvent<HTMLDivElement>): void {
  const { handled, url } = externalLinkTarget(e.target);
  if (!handled) return;
  e.preventDefault();
  if (url) void api.call('app.openExternal', { url }).catch(() => undefined);
}
