/**
 * Part of the preview client script (served with `CLIENT_SCRIPT`): artifact frames are sandboxed
 * without `allow-popups`, so a page can't open a window or tab itself. This forwards its
 * `window.open(url)` and clicks on links that target another window (`target=_blank`, a named
 * target, a modified or a middle click, a link to another site) to the embedding pane as
 * `{kiln:1,type:'open',url}`. The pane decides: it opens the URL in the OS browser only while
 * the user has just clicked in that frame (Chromium activates the embedding window too, and
 * page code can't fake that) and within the open rate limit. A page that removes this shim
 * only loses its pop-ups; a page that posts the message itself gains nothing the shim doesn't
 * have.
 */
export const OPEN_FORWARD_SCRIPT = String.raw`
(function () {
  'use strict';
  if (window.parent === window || window.__kilnOpen) return;
  window.__kilnOpen = true;
  var parentWin = window.parent;
  function forward(u) {
    try {
      var url = new URL(String(u), document.baseURI).href;
      parentWin.postMessage({ kiln: 1, type: 'open', url: url }, '*');
    } catch (e) {}
  }
  try {
    window.open = function (u) {
      if (u !== undefined && u !== null && String(u) !== '') forward(u);
      return null;
    };
  } catch (e) {}
  function linkOf(ev) {
    var el = ev.target;
    return el && el.closest ? el.closest('a[href]') : null;
  }
  window.addEventListener('click', function (ev) {
    try {
      if (ev.defaultPrevented || ev.button !== 0) return;
      var a = linkOf(ev);
      if (!a) return;
      var target = (a.getAttribute('target') || '').toLowerCase();
      var modified = ev.ctrlKey || ev.metaKey || ev.shiftKey;
      // A link to another site can't show in the frame (Kiln's policy refuses framing it): it
      // goes to the OS browser, as if it had target=_blank.
      var elsewhere = a.origin !== window.location.origin && /^https?:$/.test(a.protocol);
      if (!modified && !elsewhere && (target === '' || target === '_self')) return;
      ev.preventDefault();
      forward(a.href);
    } catch (e) {}
  });
  // A middle click on a link means "open it elsewhere", as in a browser.
  window.addEventListener('auxclick', function (ev) {
    try {
      if (ev.defaultPrevented || ev.button !== 1) return;
      var a = linkOf(ev);
      if (!a) return;
      ev.preventDefault();
      forward(a.href);
    } catch (e) {}
  });
})();
`;
