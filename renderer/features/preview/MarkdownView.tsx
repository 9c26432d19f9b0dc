import DOMPurify from 'dompurify';
import { marked } from 'marked';
import { useMemo } from 'react';

/**
 * Markdown rendered with marked and sanitized with DOMPurify before it reaches the DOM:
 * an artifact is untrusted content, so no script, handler or form survives.
 */
export function MarkdownView({ text, plain }: { text: string; plain?: boolean }) {
  const html = useMemo(() => {
    if (plain) return null;
    const raw = marked.parse(text, { async: false, gfm: true });
    return DOMPurify.sanitize(raw, { USE_PROFILES: { html: true }, FORBID_TAGS: ['style', 'form', 'input', 'button'] });
  }, [text, plain]);
  if (html === null) return <pre className="preview-text">{text}</pre>;
  return <div className="preview-markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}
