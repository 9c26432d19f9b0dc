import type { ComponentType } from 'react';
import { AppearanceSection } from './AppearanceSection';
import { WorkspaceSection } from './WorkspaceSection';
import { ProviderSection } from './ProviderSection';
import { DatasourcesSection } from './DatasourcesSection';
import { PublishingSection } from './PublishingSection';
import { DeploySection } from '../../deploy/DeploySection';
import { PythonSection } from './PythonSection';
import { SetupSection } from './SetupSection';
import { ToolsSection } from './ToolsSection';
import { DiagnosticsSection } from '../../diagnostics/DiagnosticsSection';
import { HistorySettings } from '../../history/HistorySettings';

interface SettingsSection {
  id: string;
  title: string;
  Component: ComponentType;
}

/** Settings sections in display order; each feature adds one line here. */
export const settingsSections: SettingsSection[] = [
  { id: 'appearance', title: 'Appearance', Component: AppearanceSection },
  { id: 'workspace', title: 'Workspace', Component: WorkspaceSection },
  { id: 'provider', title: 'Provider', Component: ProviderSection },
  { id: 'datasources', title: 'Datasources', Component: DatasourcesSection },
  { id: 'publishing', title: 'Publishing', Component: PublishingSection },
  { id: 'deploy', title: 'Deploy', Component: DeploySection },
  { id: 'tools', title: 'Tools (MCP)', Component: ToolsSection },
  { id: 'python', title: 'Python & Backends', Component: PythonSection },
  { id: 'history', title: 'History', Component: HistorySettings },
  { id: 'setup', title: 'First-run setup', Component: SetupSection },
  { id: 'diagnostics', title: 'Diagnostics', Component: DiagnosticsSection },
];
