import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KilnError } from '../../../shared/contract/core';
import { ArtifactStore } from '../artifacts/store';
import { addArtifact, createTestSupervisor, getJson, makeWorkspace } from '../backends/testing';
import type { BackendSupervisor } from '../backends/supervisor';
import { GrantStore } from './grant-store';
import { GrantsService } from './grants-service';

/** Declaring a datasource is a request; a real backend gets its DS_* only after the user allowed it. */
describe('datasource grants', () => {
  let ws: string;
  let grants: GrantsService;
  let supervisor: BackendSupervisor;
  const grantsFile = (): string => path.join(ws, '.kiln', 'grants.json');
  const vars = { DS_POSTGRES_MAIN__PASSWORD: 'pg-pass', DS_POSTGRES_MAIN__HOST: 'db.local', DS_MYSQL_SHOP__PASSWORD: 'shop-pass' };

  beforeEach(async () => {
    ws = await makeWorkspace();
    const store = new ArtifactStore({ workspaceDir: () => ws });
    grants = new GrantsService({
      store: new GrantStore(grantsFile),
      artifact: (slug) => store.open(slug),
      datasources: async (): Promise<{ slug: string; engine: string; name: string; label: string; fields: Record<string, string>; secrets: Record<string, boolean> }[]> => [
        { slug: 'postgres-main', engine: 'postgres', name: 'main', label: 'Main DB', fields: { host: 'db.local' }, secrets: { password: true } },
        { slug: 'mysql-shop', engine: 'mysql', name: 'shop', label: '', fields: {}, secrets: { password: true } },
      ],
    });
    supervisor = createTestSupervisor(ws, {
      envFor: (slugs) => Object.fromEntries(Object.entries(vars).filter(([k]) => slugs.some((s) => k.startsWith(`DS_${s.toUpperCase().replace('-', '_')}__`)))),
      grants,
    }).supervisor;
  });
  afterEach(async () => {
    await supervisor.stopAll();
    await fs.rm(ws, { recursive: true, force: true });
  });

  const dsEnv = async (port: number): Promise<string[]> => Object.keys((await getJson(port, '/api/env')) as Record<string, string>).filter((k) => k.startsWith('DS_')).sort();

  it('first launch runs without the declared datasource, says what waits, and gets it after Allow', async () => {
    await addArtifact(ws, 'stdlib-app', 'app', { datasources: [{ engine: 'postgres', name: 'main' }] });
    const first = await supervisor.launch('app');
    expect(first.pendingGrants).toEqual(['postgres-main']);
    expect(await dsEnv(first.port!)).toEqual([]);
    expect(await fs.readFile(path.join(ws, '.anton', 'artifacts', 'app', 'backend.log'), 'utf8')).toContain('Waiting for your approval, not given to the backend: postgres-main.');

    const state = await grants.get('app');
    expect(state.pending).toEqual([{ slug: 'postgres-main', engine: 'postgres', name: 'main', label: 'Main DB', fields: ['host', 'password'], exists: true }]);
    await grants.allow('app', ['postgres-main']);
    const second = await supervisor.restart('app');
    expect(second.pendingGrants).toBeUndefined();
    expect(await dsEnv(second.port!)).toEqual(['DS_POSTGRES_MAIN__HOST', 'DS_POSTGRES_MAIN__PASSWORD']);
    // Stored outside the artifact folder, by id, owner-only.
    expect((await fs.stat(grantsFile())).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await fs.readFile(grantsFile(), 'utf8')).grants).toHaveProperty([(await new ArtifactStore({ workspaceDir: () => ws }).open('app')).id, 'postgres-main']);
  });

  it('a datasource declared later (by the agent, a backend or anton) needs its own grant; the earlier one stays', async () => {
    const dir = await addArtifact(ws, 'stdlib-app', 'grow', { datasources: [{ engine: 'postgres', name: 'main' }] });
    await grants.allow('grow', ['postgres-main']);
    const meta = JSON.parse(await fs.readFile(path.join(dir, 'metadata.json'), 'utf8')) as { datasources: unknown[] };
    meta.datasources.push({ engine: 'mysql', name: 'shop' });
    await fs.writeFile(path.join(dir, 'metadata.json'), JSON.stringify(meta));
    const status = await supervisor.launch('grow');
    expect(status.pendingGrants).toEqual(['mysql-shop']);
    expect(await dsEnv(status.port!)).toEqual(['DS_POSTGRES_MAIN__HOST', 'DS_POSTGRES_MAIN__PASSWORD']);
  });

  it('a datasource declared while the backend runs is not given to it, and its status says it waits', async () => {
    const dir = await addArtifact(ws, 'stdlib-app', 'live', { datasources: [] });
    const running = await supervisor.launch('live');
    expect(running.pendingGrants).toBeUndefined();
    const meta = JSON.parse(await fs.readFile(path.join(dir, 'metadata.json'), 'utf8')) as { datasources: unknown[] };
    meta.datasources.push({ engine: 'mysql', name: 'shop' });
    await fs.writeFile(path.join(dir, 'metadata.json'), JSON.stringify(meta));
    await supervisor.refreshGrants('live');
    const status = supervisor.status('live');
    expect(status.pendingGrants).toEqual(['mysql-shop']);
    expect(status.port).toBe(running.port);
    expect(await dsEnv(status.port!)).toEqual([]);
  });

  it('only declared datasources can be allowed, and a damaged grants file grants nothing', async () => {
    await addArtifact(ws, 'stdlib-app', 'strict', { datasources: [{ engine: 'postgres', name: 'main' }] });
    const err = await grants.allow('strict', ['mysql-shop']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KilnError);
    expect((err as KilnError).message).toMatch(/does not declare mysql-shop/);
    await grants.allow('strict', ['postgres-main']);
    await fs.writeFile(grantsFile(), '{not json');
    expect((await grants.get('strict')).pending.map((d) => d.slug)).toEqual(['postgres-main']);
    await grants.allow('strict', ['postgres-main']);
    await grants.revoke('strict', ['postgres-main']);
    expect((await grants.get('strict')).granted).toEqual([]);
  });
});
