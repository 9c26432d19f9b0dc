import { useSettings } from '../../stores/settings';
import { shortcuts } from '../../shortcuts';
import './about.css';

export function AboutView() {
  const info = useSettings((s) => s.info);
  return (
    <div className="view">
      <header className="view-header">
        <h1>About Kiln</h1>
      </header>
      <div className="view-body about">
        <p>Kiln is a desktop workbench where you chat with an AI agent that builds reports, dashboards and fullstack apps, runs them on your machine and publishes them in one click.</p>
        {info ? (
          <dl className="about-facts">
            <dt>Version</dt>
            <dd data-testid="about-version">{info.version}</dd>
            <dt>Running as</dt>
            <dd>{info.runtime === 'electron' ? 'Desktop app' : 'Browser (web host)'}</dd>
            <dt>Platform</dt>
            <dd>
              {info.platform} ({info.arch})
            </dd>
            {Object.entries(info.versions).map(([k, v]) => (
              <div key={k} className="about-pair">
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
            <dt>Workspace</dt>
            <dd>
              <code>{info.workspace}</code>
            </dd>
            <dt>Settings folder</dt>
            <dd>
              <code>{info.userData}</code>
            </dd>
          </dl>
        ) : (
          <p className="muted">Loading…</p>
        )}
        <h2>Keyboard shortcuts</h2>
        <table className="shortcuts">
          <tbody>
            {shortcuts.map((s) => (
              <tr key={s.id}>
                <td>
                  <kbd>{s.label}</kbd>
                </td>
                <td>{s.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
