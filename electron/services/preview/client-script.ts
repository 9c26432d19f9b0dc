/**
 * The script the preview proxy adds to a previewed page's HTML (never to a file on disk, never
 * to a published bundle). It runs inside the artifact's own origin and only talks to the window
 * that embeds it (Kiln's preview pane), by `postMessage`:
 *
 * - `hello` when it starts, so the pane knows it can reload the page in place;
 * - on `{kiln:1,type:'reload'}` it remembers the scroll position in `window.name` (which
 *   survives a reload of the same frame and needs no storage, which cross-site frames may be
 *   denied) and calls `location.reload()`, which keeps the route (path, query, hash);
 * - on `{kiln:1,type:'capture'}` it loads html-to-image from the proxy and posts back a small
 *   PNG of the top of the page (thumbnails), or `null` when the page can't be captured.
 *
 * Messages are accepted only from the embedding window; replies go only to the origin that
 * asked. Everything is wrapped so that a failure never breaks the page.
 */
export const CLIENT_SCRIPT = String.raw`(function () {
  'use strict';
  if (window.parent === window || window.__kilnLive) return;
  window.__kilnLive = true;
  var KEY = 'kiln-live:';
  var MAX_W = 640, MAX_PIXELS = 4000000, MAX_NODES = 6000;
  var parentWin = window.parent;
  function post(msg, origin) { try { parentWin.postMessage(msg, origin || '*'); } catch (e) {} }
  try {
    var n = String(window.name || '');
    if (n.indexOf(KEY) === 0) {
      var rest = n.slice(KEY.length), nl = rest.indexOf('\n');
      var st = JSON.parse(rest.slice(0, nl));
      window.name = rest.slice(nl + 1);
      var restore = function () { try { window.scrollTo(st.x || 0, st.y || 0); } catch (e) {} };
      var later = function () { restore(); setTimeout(restore, 60); setTimeout(restore, 250); };
      restore();
      // The tag is async: this may run before the page is parsed or after it has loaded.
      if (document.readyState === 'complete') later();
      else {
        document.addEventListener('DOMContentLoaded', restore);
        window.addEventListener('load', later);
      }
    }
  } catch (e) {}
  function capture(origin, id) {
    var done = function (png) { post({ kiln: 1, type: 'thumbnail', id: id, png: png || null }, origin); };
    var run = function () {
      try {
        var root = document.documentElement, body = document.body;
        if (!body || !window.htmlToImage || document.getElementsByTagName('*').length > MAX_NODES) return done(null);
        var w = Math.max(1, root.clientWidth || window.innerWidth), h = Math.max(1, Math.min(root.clientHeight || window.innerHeight, w * 2));
        if (w * h > MAX_PIXELS) h = Math.max(1, Math.floor(MAX_PIXELS / w));
        var scale = Math.min(1, MAX_W / w);
        var bg = getComputedStyle(body).backgroundColor;
        if (!bg || bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent') bg = getComputedStyle(root).backgroundColor;
        if (!bg || bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent') bg = '#ffffff';
        window.htmlToImage.toPng(body, {
          width: w, height: h, pixelRatio: 1, skipFonts: true, backgroundColor: bg,
          canvasWidth: Math.round(w * scale), canvasHeight: Math.round(h * scale)
        }).then(done, function () { done(null); });
      } catch (e) { done(null); }
    };
    if (window.htmlToImage) return run();
    try {
      var s = document.createElement('script');
      s.src = '/__kiln/html-to-image.js';
      s.onload = run;
      s.onerror = function () { done(null); };
      (document.head || document.documentElement).appendChild(s);
    } catch (e) { done(null); }
  }
  window.addEventListener('message', function (ev) {
    if (ev.source !== parentWin) return;
    var d = ev.data;
    if (!d || typeof d !== 'object' || d.kiln !== 1) return;
    if (d.type === 'reload') {
      try { window.name = KEY + JSON.stringify({ x: window.scrollX, y: window.scrollY }) + '\n' + String(window.name || '').replace(/^kiln-live:[^\n]*\n/, ''); } catch (e) {}
      location.reload();
    } else if (d.type === 'capture') {
      capture(ev.origin, typeof d.id === 'number' ? d.id : 0);
    }
  });
  post({ kiln: 1, type: 'hello' });
  if (document.readyState === 'complete') post({ kiln: 1, type: 'loaded' });
  else window.addEventListener('load', function () { post({ kiln: 1, type: 'loaded' }); });
})();
`;
