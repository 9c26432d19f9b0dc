/**
 * Which changed files of an artifact need its backend restarted (Python code outside
 * `static/`, or the requirements) — the rest only reload the preview frame. Main (the restart)
 * and the renderer (the frame reload) both use this one rule.
 */
export function isBackendFile(rel: string): boolean {
  const p = rel.toLowerCase();
  return p === 'requirements.txt' || (p.endsWith('.py') && !p.startsWith('static/'));
}
