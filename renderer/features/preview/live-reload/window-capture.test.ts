// @vitest-environment jsdom
import { afterEach, expect, it } from 'vitest';
import { covered } from './window-capture';

/** A frame laid out at 0,0 400×300 (jsdom has no layout of its own). */
function frameAt(): HTMLIFrameElement {
  const frame = document.createElement('iframe');
  frame.getBoundingClientRect = () => ({ x: 0, y: 0, left: 0, top: 0, right: 400, bottom: 300, width: 400, height: 300, toJSON: () => ({}) });
  document.body.append(frame);
  return frame;
}

afterEach(() => {
  document.body.innerHTML = '';
  Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
});

it('a visible frame with nothing over it may be captured from the window', () => {
  const frame = frameAt();
  document.elementFromPoint = () => frame;
  expect(covered(frame)).toBe(false);
});

it('a dialog, something drawn over a corner, or a hidden window sends the capture to the page instead', () => {
  const frame = frameAt();
  document.elementFromPoint = () => frame;
  const dialog = document.createElement('div');
  dialog.setAttribute('role', 'dialog');
  document.body.append(dialog);
  expect(covered(frame)).toBe(true);
  dialog.remove();

  const toast = document.createElement('div');
  document.body.append(toast);
  document.elementFromPoint = (x, y) => (x > 390 && y > 290 ? toast : frame);
  expect(covered(frame)).toBe(true);

  document.elementFromPoint = () => frame;
  Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
  expect(covered(frame)).toBe(true);
});
