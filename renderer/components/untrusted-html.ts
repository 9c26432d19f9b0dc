import DOMPurify from 'dompurify';
import './untrusted-html.css';

/**
 * The one sanitizer for HTML made from untrusted text (the model's chat answers, an artifact's
 * markdown). On top of DOMPurify's defaults: no `style` attribute or element, no forms,
 * frames or buttons, and `class` keeps only the classes Kiln's own renderer writes (code
 * highlighting), so neither inline CSS nor the app's own classes can position an element over
 * the window (a full-window overlay that fakes Kiln's UI). The containers also get CSS
 * containment (`untrusted-html.css`), so nothing inside can escape their box.
 */
const FORBID_TAGS = ['style', 'form', 'input', 'button', 'iframe', 'frame', 'object', 'embed', 'link', 'meta', 'base', 'dialog', 'select', 'textarea'];
const FORBID_ATTR = ['style', 'id', 'name', 'tabindex', 'autofocus', 'popover', 'popovertarget'];
/** Classes Kiln's markdown renderer adds (code blocks, highlight.js spans). */
const KEPT_CLASS = /^(hljs(-[\w-]+)?|language-[\w-]+|code-(block|bar|lang|copy))$/;

let hooked = false;
function installHooks(): void {
  if (hooked) return;
  hooked = true;
  DOMPurify.addHook('uponSanitizeAttribute', (_node, data) => {
    if (data.attrName !== 'class') return;
    data.attrValue = data.attrValue.split(/\s+/).filter((c) => KEPT_CLASS.test(c)).join(' ');
    if (!data.attrValue) data.keepAttr = false;
  });
}

/** `extraTags`: e.g. the chat keeps its code-copy `button` (our own renderer writes it). */
export function sanitizeUntrusted(html: string, opts: { allowTags?: string[]; addAttr?: string[] } = {}): string {
  installHooks();
  const forbid = FORBID_TAGS.filter((t) => !(opts.allowTags ?? []).includes(t));
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: forbid, FORBID_ATTR, ADD_ATTR: opts.addAttr ?? [] });
}

/** Clicks on links inside untrusted HTML never navigate the Kiln window; http(s) ones go to the OS browser. */
export function externalLinkTarget(target: EventTarget | null): { handled: boolean; url: string | null } {
  const link = target instanceof Element ? target.closest('a') : null;
  if (!link) return { handled: false, url: null };
  const href = link.getAttribute('href') ?? '';
  let url: URL | null = null;
  try {
    url = new URL(href, 'about:blank');
  } catch {
    url = null;
  }
  return { handled: true, url: url && (url.protocol === 'http:' || url.protocol === 'https:') ? url.href : null };
}
