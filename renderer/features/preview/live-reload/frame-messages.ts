/** Messages between the pane and the client script the preview proxy adds to pages (client-script.ts). */
export type FromFrame = { kiln: 1; type: 'hello' } | { kiln: 1; type: 'loaded' } | { kiln: 1; type: 'thumbnail'; id: number; png: string | null } | { kiln: 1; type: 'open'; url: string };

/** Largest thumbnail data URL the pane forwards (main checks the PNG again). */
export const MAX_THUMB_CHARS = 4_300_000;

export function parseFrameMessage(data: unknown): FromFrame | null {
  if (!data || typeof data !== 'object') return null;
  const d = data as Record<string, unknown>;
  if (d.kiln !== 1) return null;
  if (d.type === 'hello' || d.type === 'loaded') return { kiln: 1, type: d.type };
  // A page's window.open / target=_blank link (open-forward.ts); the URL fits app.openExternal's limit.
  if (d.type === 'open') return typeof d.url === 'string' && d.url.length <= 4096 ? { kiln: 1, type: 'open', url: d.url } : null;
  if (d.type === 'thumbnail' && typeof d.id === 'number') {
    const png = typeof d.png === 'string' && d.png.startsWith('data:image/png;base64,') && d.png.length <= MAX_THUMB_CHARS ? d.png : null;
    return { kiln: 1, type: 'thumbnail', id: d.id, png };
  }
  return null;
}
