import { KilnError } from '../../../shared/contract/core';
import type { Services } from '../../core/services';
import { addExamples } from '../../services/artifacts/examples';
import { checkWorkspaceFolder } from '../../services/artifacts/workspace';
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
  const info = () => ({
    path: s.workspaceDir(),
    artifactsRoot: s.artifacts.root(),
    overridden: s.artifacts.workspaceOverridden,
  });
  return {
    'artifacts.list': () => s.artifacts.list(),
    'artifacts.open': ({ slug }) => s.artifacts.open(slug),
    'artifacts.rename': ({ slug, name }) => s.artifacts.rename(slug, name),
    'artifacts.delete': async ({ slug }) => {
      // Nothing of the artifact may keep running from the trash (or hold its folder open).
      if (s.backends.status(slug).state !== 'stopped') await s.backends.stop(slug);
      s.agent.scratchpads.reset(slug);
      return s.artifacts.delete(slug);
    },
    'artifacts.reveal': async ({ slug, path }) => {
      const target = path ? await s.artifacts.resolveFile(slug, path) : await s.artifacts.dir(slug);
      try {
        await s.platform.revealInFolder(target);
      } catch (error) {
        // Headless machines often have no file manager: still tell the user where it is.
        throw new KilnError('UNAVAILABLE', `Kiln couldn't open a file manager here. The folder is ${target}`, (error as Error).message);
      }
    },
    'artifacts.addExamples': async () => ({ slugs: await addExamples(s.artifacts, s.resourcesDir) }),
    'artifacts.readText': ({ slug, path }) => s.artifactReaders.readText(slug, path),
    'artifacts.readTable': ({ slug, path }) => s.artifactReaders.readTable(slug, path),
    'artifacts.readImage': ({ slug, path }) => s.artifactReaders.readImage(slug, path),
    'artifacts.workspace': () => info(),
    'artifacts.setWorkspace': async ({ path }) => {
      const resolved = await checkWorkspaceFolder(path);
      await s.settings.update({ workspace: { path: resolved } });
      return info();
    },
  };
}
