import type { ComponentType } from 'react';
import { AppearanceSection } from './AppearanceSection';
import { WorkspaceSection } from './WorkspaceSection';
import { ProviderSection } from './ProviderSection';
import { DatasourcesSection } from './DatasourcesSection';
import { PublishingSection } from './PublishingSection';
import { PythonSection } from './PythonSection';
import { SetupSection } from './SetupSection';
import { DiagnosticsSection } from '../../diagnostics/DiagnosticsSection';

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
  { id: 'python', title: 'Python & Backends', Component: PythonSection },
  { id: 'setup', title: 'First-run setup', Component: SetupSection },
  { id: 'diagnostics', title: 'Diagnostics', Component: DiagnosticsSection },
];
