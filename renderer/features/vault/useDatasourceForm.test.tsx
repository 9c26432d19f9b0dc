// @vitest-environment jsdom
import { act, cleanup, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KilnError } from '../../../shared/contract/core';
import type { DatasourceView } from '../../../shared/contract/vault';
import { setTransport } from '../../api/client';
import { FakeTransport } from '../../testing/fake-transport';
import { formFields, useDatasourceForm } from './useDatasourceForm';

const view = (over: Partial<DatasourceView> = {}): DatasourceView => ({
  slug: 'postgres-7e8971c3',
  engine: 'postgres',
  name: '7e8971c3',
  label: 'Warehouse',
  fields: { host: 'db.example.com', port: '5432', database: 'sales', user: 'kiln' },
  secrets: { password: true },
  envNames: [],
  envPrefix: 'DS_POSTGRES_7E8971C3',
  createdAt: '2026-06-01T12:00:00Z',
  updatedAt: '2026-06-01T12:00:00Z',
  connection: { state: 'untested' },
  ...over,
});

let t: FakeTransport;
let saved: DatasourceView[];

beforeEach(() => {
  saved = [];
  t = new FakeTransport()
    .handle('vault.create', (input) => view({ label: input.label }))
    .handle('vault.update', () => view())
    .handle('datasources.testDraft', () => ({ ok: true, outcome: 'ok', message: 'Connected: PostgreSQL 15.8.', version: 'PostgreSQL 15.8', durationMs: 5 }));
  setTransport(t);
});
afterEach(cleanup);

const mount = (existing?: DatasourceView) => renderHook(() => useDatasourceForm(existing, (ds) => saved.push(ds)));

async function submit(result: { current: ReturnType<typeof useDatasourceForm> }): Promise<void> {
  await act(async () => {
    result.current.submit();
    await new Promise((r) => setTimeout(r, 5));
  });
}

describe('useDatasourceForm', () => {
  it('creates with every typed value, secrets included, and forgets the typed secret once saved', async () => {
    const { result } = mount();
    act(() => {
      result.current.setLabel('Warehouse');
      result.current.setPlainValue('host', 'db.example.com');
      result.current.setSecretValue('password', 's3cret');
    });
    await submit(result);
    expect(t.calls).toEqual([
      // Save tests first, with the typed values...
      { channel: 'datasources.testDraft', input: { engine: 'postgres', fields: { host: 'db.example.com', password: 's3cret' } } },
      { channel: 'vault.create', input: { engine: 'postgres', label: 'Warehouse', fields: { host: 'db.example.com', password: 's3cret' } } },
    ]);
    expect(saved.map((d) => d.label)).toEqual(['Warehouse']);
    expect(result.current.secretDraft).toEqual({});
  });

  it('updates only what changed: an emptied field is null, a cleared secret is empty, the same label is not sent', async () => {
    const { result } = mount(view());
    expect(result.current.isStored('password')).toBe(true);
    act(() => {
      result.current.setPlainValue('host', 'db2.example.com');
      result.current.setPlainValue('user', '');
      result.current.clearSecret('password');
    });
    expect(result.current.isStored('password')).toBe(false);
    await submit(result);
    expect(t.calls).toEqual([
      {
        channel: 'datasources.testDraft',
        input: { engine: 'postgres', slug: 'postgres-7e8971c3', fields: { host: 'db2.example.com', port: '5432', database: 'sales', user: '', password: null } },
      },
      { channel: 'vault.update', input: { slug: 'postgres-7e8971c3', fields: { host: 'db2.example.com', user: null, password: '' } } },
    ]);
  });

  it('sends just the slug when nothing changed, and keeps a stored secret when its input stays empty', async () => {
    const { result } = mount(view());
    await submit(result);
    expect(t.calls.map((c) => c.channel)).toEqual(['datasources.testDraft', 'vault.update']);
    expect(t.calls[1]).toEqual({ channel: 'vault.update', input: { slug: 'postgres-7e8971c3' } });
  });

  it('free-form fields: a row is secret by its name or by the tick, and only ticked ones are listed as secret', async () => {
    const { result } = mount();
    act(() => {
      result.current.changeEngine('generic');
      result.current.setLabel('Partner API');
    });
    expect(result.current.freeForm).toBe(true);
    const first = result.current.extra[0]!.key;
    act(() => {
      result.current.updateRow(first, { name: 'api_token', value: 'tok' });
      result.current.addRow();
      result.current.addRow();
    });
    const [, second, third] = result.current.extra.map((r) => r.key);
    act(() => {
      result.current.updateRow(second!, { name: 'region', value: 'eu', secret: true });
      result.current.updateRow(third!, { name: ' ', value: 'ignored' });
    });
    await submit(result);
    expect(t.calls[0]).toEqual({
      channel: 'vault.create',
      input: { engine: 'generic', label: 'Partner API', fields: { api_token: 'tok', region: 'eu' }, secret: ['region'] },
    });
    act(() => result.current.removeRow(second!));
    expect(result.current.extra.map((r) => r.key)).toEqual([first, third]);
  });

  it('a failed test stops the save and asks; "Save anyway" saves, typing again drops the question', async () => {
    t.handle('datasources.testDraft', () => ({ ok: false, outcome: 'auth', message: 'The server rejected the user "kiln" or its password: check both.', durationMs: 5 }));
    const { result } = mount();
    act(() => {
      result.current.setLabel('Warehouse');
      result.current.setSecretValue('password', 'wrong');
    });
    await submit(result);
    expect(t.calls.map((c) => c.channel)).toEqual(['datasources.testDraft']);
    expect(result.current.askSaveAnyway).toBe(true);
    expect(result.current.test?.message).toMatch(/rejected the user/);
    act(() => result.current.setSecretValue('password', 'wrong2'));
    expect(result.current.askSaveAnyway).toBe(false);
    await submit(result);
    expect(result.current.askSaveAnyway).toBe(true);
    await act(async () => {
      result.current.saveAnyway();
      await new Promise((r) => setTimeout(r, 5));
    });
    expect(t.calls.map((c) => c.channel)).toEqual(['datasources.testDraft', 'datasources.testDraft', 'vault.create']);
    expect(saved.map((d) => d.label)).toEqual(['Warehouse']);
  });

  it('an engine without a driver saves without a test', async () => {
    const { result } = mount();
    act(() => {
      result.current.changeEngine('snowflake');
      result.current.setLabel('Snow');
    });
    expect(result.current.isTestable).toBe(false);
    await submit(result);
    expect(t.calls.map((c) => c.channel)).toEqual(['vault.create']);
  });

  it('a new engine starts from its defaults and drops typed secrets', () => {
    const { result } = mount();
    act(() => result.current.setSecretValue('password', 'typed'));
    act(() => result.current.changeEngine('mysql'));
    expect(result.current.plain).toEqual({ port: '3306' });
    expect(result.current.secretDraft).toEqual({});
  });

  it('says why a save failed and keeps what was typed for another try', async () => {
    t.handle('vault.create', () => {
      throw new KilnError('CONFLICT', 'A datasource named Warehouse exists.');
    });
    const { result } = mount();
    act(() => {
      result.current.setLabel('Warehouse');
      result.current.setSecretValue('password', 's3cret');
    });
    await submit(result);
    expect(result.current.error).toBe('A datasource named Warehouse exists.');
    expect(result.current.busy).toBe(false);
    expect(result.current.secretDraft).toEqual({ password: 's3cret' });
    expect(saved).toEqual([]);
  });

  it('lists fields an imported record carries beyond the catalog', () => {
    const fields = formFields('postgres', view({ fields: { host: 'h', schema_name: 'x' }, secrets: { password: true, cert_key: false } }));
    const extra = fields.slice(-2).map((f) => [f.name, f.secret]);
    expect(extra).toEqual([
      ['schema_name', false],
      ['cert_key', true],
    ]);
  });
});
