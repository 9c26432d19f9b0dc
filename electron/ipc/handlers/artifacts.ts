import type { Services } from '../../core/services';
import { addExamples } from '../../services/artifacts/examples';
import type { HandlerMap } from '../router';

type ArtifactChannels =
  | 'artifacts.list'
  | 'artifacts.open'
  | 'artifacts.rename'
  | 'artifacts.delete'
  | 'artifacts.reveal'
  | 'artifacts.addExamples'
  | 'artifacts.readText'
  | 'artifacts.readTable'
  | 'artifacts.readImage'
  | 'artifacts.workspace'
  | 'artifacts.setWorkspace';

/** Thin: the router has validated the input against the contract; the store re-checks paths. */
export function artifactsHandlers(s: Services): Pick<HandlerMap, ArtifactChannels> {
  return {
    'artifacts.list': () => s.artifacts.list(),
    'artifacts.open': ({ slug }) => s.artifacts.open(slug),
    'artifacts.rename': ({ slug, name }) => s.artifacts.rename(slug, name),
    'artifacts.delete': ({ slug }) => s.artifactRemoval.remove(slug),
    'artifacts.reveal': ({ slug, path }) => s.artifactReveal.reveal(slug, path),
    'artifacts.addExamples': async () => ({ slugs: await addExamples(s.artifacts, s.resourcesDir) }),
    'artifacts.readText': ({ slug, path }) => s.artifactReaders.readText(slug, path),
    'artifacts.readTable': ({ slug, path }) => s.artifactReaders.readTable(slug, path),
    'artifacts.readImage': ({ slug, path }) => s.artifactReaders.readImage(slug, path),
    'artifacts.workspace': () => s.workspaceSetting.info(),
    'artifacts.setWorkspace': ({ path }) => s.workspaceSetting.choose(path),
  };
}
