// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { KilnError } from '../../../shared/contract/core';
import type { KeyOriginStatus } from '../../../shared/contract/key-origin';
import { setTransport } from '../../api/client';
import { FakeTransport } from '../../testing/fake-transport';
import { KeyOriginNotice } from './KeyOriginNotice';

afterEach(cleanup);

const moved: KeyOriginStatus = { keySet: true, currentOrigin: 'http://127.0.0.1:8002', confirmedOrigin: 'https://api.openai.com', needsConfirm: true, recordDamaged: false };

describe('KeyOriginNotice', () => {
  it('asks before the key goes to a new origin, and confirms exactly the origin shown', async () => {
    const t = new FakeTransport()
      .handle('provider.keyOrigin', () => moved)
      .handle('provider.confirmOrigin', ({ origin }) => ({ ...moved, confirmedOrigin: origin, needsConfirm: false }));
    setTransport(t);
    render(<KeyOriginNotice kind="provider" url="http://127.0.0.1:8002/v1" />);
    const alert = await screen.findByRole('alert', { name: 'Key address not confirmed' });
    expect(alert.textContent).toContain('Your key was confirmed for https://api.openai.com. Send it to http://127.0.0.1:8002?');
    fireEvent.click(screen.getByRole('button', { name: 'Confirm' }));
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect(t.calls.find((c) => c.channel === 'provider.confirmOrigin')).toEqual({ channel: 'provider.confirmOrigin', input: { origin: 'http://127.0.0.1:8002' } });
  });

  it('says when the record is damaged, shows a refused Confirm, and shows nothing when confirmed or keyless', async () => {
    const t = new FakeTransport()
      .handle('publish.keyOrigin', () => ({ ...moved, confirmedOrigin: null, recordDamaged: true }))
      .handle('publish.confirmOrigin', () => {
        throw new KilnError('CONFLICT', 'The address changed to http://x while you were deciding. Look at it again, then confirm.');
      });
    setTransport(t);
    render(<KeyOriginNotice kind="publish" url="http://127.0.0.1:8002" />);
    const alert = await screen.findByRole('alert', { name: 'Key address not confirmed' });
    expect(alert.textContent).toContain('Kiln could not read where your key was confirmed (its record is damaged). Send it to http://127.0.0.1:8002?');
    fireEvent.click(screen.getByRole('button', { name: 'Confirm' }));
    expect(await screen.findByText(/The address changed to http:\/\/x while you were deciding/)).toBeTruthy();
    cleanup();

    for (const status of [{ ...moved, needsConfirm: false }, { ...moved, keySet: false, needsConfirm: false }]) {
      setTransport(new FakeTransport().handle('provider.keyOrigin', () => status));
      const { container } = render(<KeyOriginNotice kind="provider" url="http://127.0.0.1:8002/v1" />);
      await new Promise((r) => setTimeout(r, 20));
      expect(container.textContent).toBe('');
      cleanup();
    }
  });
});
