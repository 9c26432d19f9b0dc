// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { DatasourceCheck } from '../../../shared/contract/publish';
import { setTransport } from '../../api/client';
import { FakeTransport } from '../../testing/fake-transport';
import { DatasourceNotice } from './DatasourceNotice';

afterEach(cleanup);

const hubspotUse = {
  variable: 'DS_HUBSPOT_A1B2C3D4__PORTAL-ID', file: 'backend.py', line: 4,
  datasource: { engine: 'hubspot', name: 'a1b2c3d4', label: 'Marketing' }, source: 'anton' as const,
};

describe('DatasourceNotice', () => {
  it('says which DS_ name is undeclared and, in one click, imports it from anton and declares it', async () => {
    let check: DatasourceCheck = { slug: 'app', undeclared: [hubspotUse], missing: [] };
    const t = new FakeTransport()
      .handle('publish.datasourceCheck', () => check)
      .handle('vault.importConfirm', () => ({ imported: [], skipped: [] }))
      .handle('publish.declareDatasource', () => {
        check = { slug: 'app', undeclared: [], missing: [] };
        return check;
      });
    setTransport(t);
    render(<DatasourceNotice slug="app" state="running" />);
    expect((await screen.findByRole('alert')).textContent).toContain("backend.py:4 uses DS_HUBSPOT_A1B2C3D4__PORTAL-ID, which this artifact doesn't declare.");
    fireEvent.click(screen.getByRole('button', { name: 'Import Marketing from anton and declare it' }));
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    const calls = t.calls.filter((c) => c.channel !== 'publish.datasourceCheck');
    expect(calls).toEqual([
      { channel: 'vault.importConfirm', input: { slugs: ['hubspot-a1b2c3d4'] } },
      { channel: 'publish.declareDatasource', input: { slug: 'app', datasource: { engine: 'hubspot', name: 'a1b2c3d4' } } },
    ]);
  });

  it("offers to import a declared datasource that only anton's vault has", async () => {
    let check: DatasourceCheck = { slug: 'app', undeclared: [], missing: [{ engine: 'mysql', name: 'deadbeef', slug: 'mysql-deadbeef', inAnton: true }] };
    const t = new FakeTransport()
      .handle('publish.datasourceCheck', () => check)
      .handle('vault.importConfirm', () => {
        check = { slug: 'app', undeclared: [], missing: [] };
        return { imported: [], skipped: [] };
      });
    setTransport(t);
    render(<DatasourceNotice slug="app" state="crashed" />);
    expect((await screen.findByRole('alert')).textContent).toContain("declares mysql-deadbeef, which is not in Kiln's vault but is in anton's.");
    fireEvent.click(screen.getByRole('button', { name: 'Import mysql-deadbeef from anton' }));
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
  });
});
