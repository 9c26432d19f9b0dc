import { useEffect, useState } from 'react';
import { useShell } from '../../stores/shell';
import { settingsSections } from './sections/index';
import './settings.css';

/** Settings: a list of sections on the left, the chosen one on the right. */
export function SettingsView() {
  const requested = useShell((s) => s.settingsSection);
  const [active, setActive] = useState(requested ?? settingsSections[0]?.id ?? '');
  useEffect(() => {
    if (requested) {
      setActive(requested);
      useShell.setState({ settingsSection: null });
    }
  }, [requested]);
  const section = settingsSections.find((s) => s.id === active) ?? settingsSections[0];
  return (
    <div className="view">
      <header className="view-header">
        <h1>Settings</h1>
      </header>
      <div className="settings-layout">
        <nav className="settings-nav" aria-label="Settings sections">
          {settingsSections.map((s) => (
            <button
              key={s.id}
              type="button"
              className="nav-item"
              aria-current={s.id === section?.id ? 'page' : undefined}
              onClick={() => setActive(s.id)}
            >
              {s.title}
            </button>
          ))}
        </nav>
        <section className="settings-panel" aria-labelledby="settings-section-title">
          {section && (
            <>
              <h2 id="settings-section-title">{section.title}</h2>
              <section.Component />
            </>
          )}
        </section>
      </div>
    </div>
  );
}
