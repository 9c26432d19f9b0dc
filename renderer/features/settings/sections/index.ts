import type { ComponentType } from 'react';
import { AppearanceSection } from './AppearanceSection';
import { SetupSection } from './SetupSection';
import { DiagnosticsSection } from '../../diagnostics/DiagnosticsSection';

export interface SettingsSection {
  id: string;
  title: string;
  Component: ComponentType;
}

/** Settings sections in display order; each feature adds one line here. */
export const settingsSections: SettingsSection[] = [
  { id: 'appearance', title: 'Appearance', Component: AppearanceSection },
  { id: 'setup', title: 'First-run setup', Component: SetupSection },
  { id: 'diagnostics', title: 'Diagnostics', Component: DiagnosticsSection },
];
