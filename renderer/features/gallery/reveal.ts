import { api, errorMessage } from '../../api/client';
import { useShell } from '../../stores/shell';

/** Shows an artifact's folder in the file manager; a failure (no file manager here) is a toast with the folder's path. */
export function revealArtifact(slug: string): void {
  api.call('artifacts.reveal', { slug }).catch((e: unknown) => useShell.getState().notify({ level: 'error', message: errorMessage(e) }));
}
