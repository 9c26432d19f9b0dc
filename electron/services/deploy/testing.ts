/**
 * Builders for deploy tests: the real publish service (review + bundle) over real artifact
 * folders, the real keychain for target credentials, and a deploy service pointed at the
 * private test engine (e2e/fixtures/dockerd.ts). Only imported by *.test.ts files.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { PublishService } from '../publish/publish-service';
import { folderArtifacts, makeArtifact, MemoryVault, tempArtifactsRoot, tempDir, type ArtifactSpec } from '../publish/testing';
import { Scrubber } from '../vault/scrubber';
import { KeychainSecretStore } from '../vault/secret-store';
import type { DeployProgress } from '../../../shared/contract/deploy';
import { DeploymentState } from './deploy-state';
import { DeployService } from './deploy-service';
import { DeployTargets } from './targets';

export interface DeployEnv {
  root: string;
  workspace: string;
  userData: string;
  keychain: KeychainSecretStore;
  scrubber: Scrubber;
  vault: MemoryVault;
  publish: PublishService;
  service: DeployService;
  progress: DeployProgress[];
  make(spec: ArtifactSpec): Promise<{ slug: string; id: string; dir: string }>;
  /** Another service over the same workspace and profile (a restart of Kiln). */
  restart(): DeployService;
}

export async function deployEnv(options: { dockerHost: string; baseImage: string; healthTimeoutMs?: number }): Promise<DeployEnv> {
  const root = await tempArtifactsRoot();
  const workspace = path.dirname(path.dirname(root));
  const userData = await tempDir('kiln-deploy-profile-');
  const keychain = new KeychainSecretStore({ keychainService: `KilnDeployTest-${randomBytes(4).toString('hex')}` });
  const scrubber = new Scrubber();
  const vault = new MemoryVault((n, v) => scrubber.register(n, v));
  const publish = new PublishService({
    artifacts: folderArtifacts(root),
    secrets: keychain,
    scrubber,
    vault,
    settings: () => ({ url: 'http://127.0.0.1:9/', maxBundleMB: 50, pythonInterpreter: '/usr/bin/python3' }),
    env: {},
  });
  const progress: DeployProgress[] = [];
  const build = (): DeployService =>
    new DeployService({
      source: publish,
      vault: { envFor: async (s) => vault.envFor(s) },
      targets: new DeployTargets({ file: path.join(userData, 'deploy-targets.json'), secrets: keychain }),
      state: new DeploymentState(() => path.join(workspace, '.kiln', 'deployments.json')),
      scrub: (t) => scrubber.scrub(t),
      env: { DOCKER_HOST: options.dockerHost, KILN_DEPLOY_BASE_IMAGE: options.baseImage },
      onProgress: (p) => progress.push(p),
      healthTimeoutMs: options.healthTimeoutMs ?? 30_000,
    });
  const service = build();
  // Tests reach containers on loopback only.
  await service.saveTarget({ name: 'local', kind: 'local', bindAddress: '127.0.0.1' });
  return {
    root, workspace, userData, keychain, scrubber, vault, publish, service, progress, restart: build,
    make: async (spec) => {
      const rec = await makeArtifact(root, spec);
      return { slug: rec.slug, id: rec.id, dir: path.join(root, rec.slug) };
    },
  };
}

/** A port nobody listens on right now, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function getText(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, text: await res.text() };
}
