// @vitest-environment jsdom
/**
 * Settings → Provider and Publishing refuse text over the contract's limits with a sentence
 * before anything is sent (docs/security.md, input limits): base URL, model id, publish
 * endpoint and the API keys. The numbers come from the contract schemas.
 */
import { cleanup, fireEvent, render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { settingsPatchSchema, settingsSchema } from '../../../../shared/contract/settings';
import { vaultEndpoints } from '../../../../shared/contract/vault';
import { setTransport } from '../../../api/client';
import { maxLengthOf } from '../../../components/limits';
import { useSettings } from '../../../stores/settings';
import { FakeTransport } from '../../../testing/fake-transport';
import { ProviderSection } from './ProviderSection';
import { PublishingSection } from './PublishingSection';

let t: FakeTransport;
const sent = (channel: string): unknown[] => t.calls.filter((c) => c.channel === channel).map((c) => c.input);
const noKey = { keySet: false, currentOrigin: null, confirmedOrigin: null, needsConfirm: false, recordDamaged: false };

beforeEach(() => {
  t = new FakeTransport()
    .handle('secrets.status', () => ({ keychainAvailable: true, secrets: [] }) as never)
    .handle('provider.keyOrigin', () => noKey)
    .handle('publish.keyOrigin', () => noKey)
    .handle('settings.update', () => settingsSchema.parse({}));
  setTransport(t);
  useSettings.setState({ settings: settingsSchema.parse({}) });
});
afterEach(cleanup);

describe('Settings → Provider', () => {
  it('a base URL or model over the limit: a sentence, nothing saved, Test connection disabled', () => {
    const view = render(<ProviderSection />);
    const url = view.getByLabelText('Base URL');
    fireEvent.change(url, { target: { value: `https://x.example/${'a'.repeat(maxLengthOf(settingsPatchSchema.shape.provider.unwrap().shape.baseUrl))}` } });
    expect(view.getByRole('alert').textContent).toMatch(/^The base URL is [\d,]+ characters; the limit is 2,048\. Shorten it\.$/);
    fireEvent.blur(url);
    fireEvent.keyDown(url, { key: 'Enter' });
    expect((view.getByRole('button', { name: 'Test connection' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(url, { target: { value: 'https://api.openai.com/v1' } });
    const model = view.getByLabelText('Model', { exact: true });
    fireEvent.change(model, { target: { value: 'm'.repeat(257) } });
    expect(view.getByRole('alert').textContent).toMatch(/^The model id is 257 characters; the limit is 256\. Shorten it\.$/);
    fireEvent.blur(model);
    expect(sent('settings.update')).toEqual([]);
  });

  it('an API key over the limit: a sentence and Save disabled, nothing sent', () => {
    const view = render(<ProviderSection />);
    const key = view.getByLabelText('API key', { exact: true });
    fireEvent.change(key, { target: { value: 'k'.repeat(maxLengthOf(vaultEndpoints['secrets.set'].input.shape.value) + 1) } });
    expect(view.getByRole('alert').textContent).toMatch(/^The key is 16,385 characters; the limit is 16,384\. Shorten it\.$/);
    expect((view.getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.submit(key.closest('form')!);
    expect(sent('secrets.set')).toEqual([]);
  });
});

describe('Settings → Publishing', () => {
  it('an endpoint over the limit: a sentence, nothing saved', () => {
    const view = render(<PublishingSection />);
    const endpoint = view.getByLabelText('Publish endpoint');
    fireEvent.change(endpoint, { target: { value: `https://x.example/${'a'.repeat(2048)}` } });
    fireEvent.blur(endpoint);
    expect(view.getByRole('alert').textContent).toMatch(/^The address is [\d,]+ characters; the limit is 2,048\. Shorten it\.$/);
    expect(sent('settings.update')).toEqual([]);
  });
});
