import type { Services } from '../../core/services';
import type { HandlerMap } from '../router';

type DeployChannels =
  | 'deploy.targets'
  | 'deploy.saveTarget'
  | 'deploy.removeTarget'
  | 'deploy.testTarget'
  | 'deploy.review'
  | 'deploy.start'
  | 'deploy.list'
  | 'deploy.redeploy'
  | 'deploy.rollback'
  | 'deploy.stop'
  | 'deploy.remove'
  | 'deploy.logs'
  | 'deploy.unfollowLogs';

/** Thin: the router has validated every input against the contract; the service does the work. */
export function deployHandlers(s: Services): Pick<HandlerMap, DeployChannels> {
  return {
    'deploy.targets': () => s.deploy.listTargets(),
    'deploy.saveTarget': (input) => s.deploy.saveTarget(input),
    'deploy.removeTarget': ({ id }) => s.deploy.removeTarget(id),
    'deploy.testTarget': ({ id }) => s.deploy.testTarget(id),
    'deploy.review': ({ slug }) => s.deploy.review(slug),
    'deploy.start': ({ slug, targetId, hostPort, restartPolicy }) => s.deploy.deploy(slug, targetId, hostPort, restartPolicy),
    'deploy.list': ({ slug }) => s.deploy.list(slug),
    'deploy.redeploy': ({ id }) => s.deploy.redeploy(id),
    'deploy.rollback': ({ id }) => s.deploy.rollback(id),
    'deploy.stop': ({ id }) => s.deploy.stop(id),
    'deploy.remove': ({ id }) => s.deploy.remove(id),
    'deploy.logs': ({ id, follow }) => s.deploy.logs(id, follow),
    'deploy.unfollowLogs': ({ id }) => s.deploy.unfollowLogs(id),
  };
}
