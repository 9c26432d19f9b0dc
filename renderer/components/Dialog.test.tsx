// @vitest-environment jsdom
/** Keyboard users land back where they were when a dialog goes away, however it goes. */
import { act, render } from '@testing-library/react';
import { StrictMode, useState } from 'react';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dialog } from './Dialog';

beforeAll(() => {
  // jsdom has <dialog> but not its modal methods; these do what the browser's do to `open`.
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.open = true;
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.open = false;
  };
});

function Harness({ unmount }: { unmount: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>Publish…</button>
      <button type="button" onClick={() => setOpen(false)}>elsewhere</button>
      {unmount ? open && <Dialog open title="Sheet" onClose={() => setOpen(false)}>body</Dialog> : <Dialog open={open} title="Sheet" onClose={() => setOpen(false)}>body</Dialog>}
    </>
  );
}

describe('Dialog', () => {
  it.each([
    ['closed', false],
    ['removed while open', true],
  ])('gives focus back to the button that opened it when %s', (_label, unmount) => {
    // StrictMode as in renderer/main.tsx: effects run, clean up and run again on mount.
    const view = render(
      <StrictMode>
        <Harness unmount={unmount} />
      </StrictMode>,
    );
    const opener = view.getByText('Publish…');
    opener.focus();
    act(() => opener.click());
    expect(view.getByText('body')).toBeTruthy();
    view.getByText('elsewhere').focus();
    // Closing from inside the sheet (Escape, ×): here through its close button.
    act(() => view.getByLabelText('Close').click());
    expect(document.activeElement).toBe(opener);
    view.unmount();
  });
});
