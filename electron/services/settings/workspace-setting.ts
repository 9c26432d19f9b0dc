import type { WorkspaceInfo } from '../../../shared/contract/artifacts';
import { checkWorkspaceFolder } from '../artifacts/workspace';
import type { SettingsStore } from './settings-store';

export interface WorkspaceSettingDeps {
  settings: Pick<SettingsStore, 'update'>;
  /** The workspace in effect now (a `--workspace` override wins over the setting). */
  current(): WorkspaceInfo;
}

/** The workspace folder as Settings shows and changes it. */
export class WorkspaceSetting {
  constructor(private readonly deps: WorkspaceSettingDeps) {}

  info(): WorkspaceInfo {
    return this.deps.current();
  }

  /** Checks the folder (absolute or `~/…`, creatable, writable), saves it, and reports the result. */
  async choose(input: string): Promise<WorkspaceInfo> {
    const resolved = await checkWorkspaceFolder(input);
    await this.deps.settings.update({ workspace: { path: resolved } });
    return this.info();
  }
}
