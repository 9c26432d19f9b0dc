import type { ComponentType } from 'react';
import { AppearanceSection } from './AppearanceSection';

export interface SettingsSection {
  id: string;
  title: string;
  Component: ComponentType;
}

/** Settings sections in display order; each feature adds one line here. */
export const settingsSections: SettingsSection[] = [
  { id: 'appearance', title: 'Appearance', Component: AppearanceSection },
];
