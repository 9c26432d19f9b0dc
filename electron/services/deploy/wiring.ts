import path from 'node:path';
import type { DatasourceGrants } from '../grants/split';
import type { ShutdownRegistry } from '../lifecycle/shutdown';
import { DeploymentState } from './deploy-state';
import { DeployService, type DeployServiceDeps } from './deploy-service';
import type { DeploySecretsPort, DeploySourcePort, DeployVaultPort } from './ports';
import { DeployTargets } from './targets';

/** Builds the deploy service for the composition root: targets in the profile, state in the workspace. */
export function createDeployService(o: {
  userData: string;
  workspaceDir(): string;
  source: DeploySourcePort;
  vault: DeployVaultPort;
  grants?: DatasourceGrants;
  secrets: DeploySecretsPort;
  scrub(text: string): string;
  env: NodeJS.ProcessEnv;
  shutdown: ShutdownRegistry;
  emit: Pick<DeployServiceDeps, 'onProgress' | 'onChanged' | 'onLog'>;
  checkpoint?: DeployServiceDeps['checkpoint'];
}): DeployService {
  const service = new DeployService({
    source: o.source,
    vault: o.vault,
    grants: o.grants,
    targets: new DeployTargets({ file: path.join(o.userData, 'deploy-targets.json'), secrets: o.secrets }),
    state: new DeploymentState(() => path.join(o.workspaceDir(), '.kiln', 'deployments.json')),
    scrub: o.scrub,
    env: o.env,
    ...o.emit,
    ...(o.checkpoint ? { checkpoint: o.checkpoint } : {}),
  });
  o.shutdown.register('deploy', () => service.shutdown());
  return service;
}
