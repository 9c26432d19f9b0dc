import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { api } from '../../../api/client';
import { parseFrameMessage } from './frame-messages';
import { openFromFrame } from './frame-open';
import { useLive } from './store';
import { captureByWindow } from './window-capture';

/** Quiet time after a file change before the frame reloads: short for a single edit… */
export const RELOAD_QUIET_MS = 60;
/**
 * …and longer while changes keep coming (a change within BURST_WINDOW_MS of the previous one, or
 * within RELOADED_WINDOW_MS of the last reload: an agent or a tool writing many files, a watcher
 * reporting a long burst in pieces), so a burst reloads at most twice.
 */
export const BURST_QUIET_MS = 400;
export const BURST_WINDOW_MS = 250;
export const RELOADED_WINDOW_MS = 1000;
/** A thumbnail is taken this long after a page finished loading (a burst of loads takes one). */
export const CAPTURE_DELAY_MS = 1200;

export interface LiveFrame {
  ref: RefObject<HTMLIFrameElement | null>;
  /** Changes when the frame must be mounted anew (a page without the client script). */
  key: number;
  /** Reloads the page in place, keeping its route and scroll position. */
  reload(): void;
  onLoad(): void;
}

/**
 * Keeps an artifact frame in step with its files: after a change (and when live reload is on)
 * it asks the page's client script to reload in place (route and scroll kept); a page without
 * the script (not HTML, or its own CSP blocked it) is mounted anew instead. After each load it
 * asks for a thumbnail for the gallery; a page that can't be captured keeps the type icon.
 */
export function useLiveFrame(slug: string, url: string | null, follow = true): LiveFrame {
  const ref = useRef<HTMLIFrameElement | null>(null);
  const [key, setKey] = useState(0);
  const ready = useRef(false);
  const awaiting = useRef(false);
  const again = useRef(false);
  const captureId = useRef(0);
  const captureTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const setReloading = useLive((s) => s.setReloading);
  const origin = url ? new URL(url).origin : null;

  const send = useCallback((message: object): boolean => {
    const win = ref.current?.contentWindow;
    if (!win || !origin) return false;
    win.postMessage(message, origin);
    return true;
  }, [origin]);

  const lastReload = useRef(0);
  const reload = useCallback(() => {
    lastReload.current = Date.now();
    if (ready.current && send({ kiln: 1, type: 'reload' })) {
      ready.current = false;
      awaiting.current = true;
      setReloading(slug, true);
    } else if (awaiting.current) {
      again.current = true; // the page is reloading right now: once more when it is back
    } else {
      setKey((k) => k + 1);
    }
  }, [send, setReloading, slug]);

  useEffect(() => {
    const onMessage = (ev: MessageEvent): void => {
      if (!ref.current || ev.source !== ref.current.contentWindow || ev.origin !== origin) return;
      const msg = parseFrameMessage(ev.data);
      if (!msg) return;
      if (msg.type === 'hello') {
        ready.current = true;
        awaiting.current = false;
        if (again.current) {
          again.current = false;
          reload();
        }
      } else if (msg.type === 'open') {
        openFromFrame(msg.url, ref.current);
      } else if (msg.type === 'thumbnail' && msg.id === captureId.current && msg.png) {
        api.call('preview.saveThumbnail', { slug, png: msg.png }).catch(() => undefined);
      }
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, [origin, slug, reload]);

  const onLoad = useCallback(() => {
    // A new page in the frame was not clicked yet: focus leaves the frame, so the click that
    // led here can't let this page open windows (frame-open.ts wants focus in the frame). The
    // user's next click in the page brings focus back. (Scripts that run before the load event
    // still see that click: a residual, docs/security.md.)
    if (ref.current && document.activeElement === ref.current) ref.current.blur();
    awaiting.current = false;
    setReloading(slug, false);
    if (captureTimer.current) clearTimeout(captureTimer.current);
    captureTimer.current = setTimeout(() => {
      const frame = ref.current;
      if (!frame) return;
      const id = ++captureId.current;
      // The window's page capture first (desktop app); else the page's own client (window-capture.ts).
      void captureByWindow(slug, frame).then((fallback) => {
        if (fallback && id === captureId.current && ready.current) send({ kiln: 1, type: 'capture', id });
      });
    }, CAPTURE_DELAY_MS);
  }, [send, setReloading, slug]);

  useEffect(() => () => {
    if (captureTimer.current) clearTimeout(captureTimer.current);
    setReloading(slug, false);
  }, [slug, setReloading]);

  // Follow page-file changes while live reload is on.
  const tick = useLive((s) => s.ticks[slug] ?? 0);
  const enabled = useLive((s) => s.enabled[slug]);
  const load = useLive((s) => s.load);
  useEffect(() => {
    if (useLive.getState().enabled[slug] === undefined) load(slug).catch(() => undefined);
  }, [slug, load]);
  const seen = useRef(tick);
  const lastChange = useRef(0);
  useEffect(() => {
    if (tick === seen.current) return;
    seen.current = tick;
    const now = Date.now();
    const burst = now - lastChange.current < BURST_WINDOW_MS || now - lastReload.current < RELOADED_WINDOW_MS;
    lastChange.current = now;
    if (!follow || enabled === false) return;
    const t = setTimeout(reload, burst ? BURST_QUIET_MS : RELOAD_QUIET_MS);
    return () => clearTimeout(t);
  }, [tick, follow, enabled, reload]);

  return { ref, key, reload, onLoad };
}
