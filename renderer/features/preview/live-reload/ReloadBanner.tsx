import { Button } from '../../../components/Button';
import { useShell } from '../../../stores/shell';
import { useComposerPrefill } from '../../chat/composer-prefill';
import { useBackends } from '../../backends/store';

/**
 * Shown over a running app whose new version failed to start: the old version keeps serving
 * (the frame is untouched); the banner gives the reason and the scrubbed log tail, and "Fix
 * with the agent" puts both into the chat composer for the user to send.
 */
export function ReloadBanner({ slug }: { slug: string }) {
  const reload = useBackends((s) => s.statuses[slug]?.reload);
  if (reload?.phase !== 'failed') return null;
  const fix = (): void => {
    const text = [
      `The new version of the "${slug}" backend failed to start (the previous version is still running). Please fix it.`,
      reload.error ?? '',
      reload.logTail ? `\nLog tail:\n\`\`\`\n${reload.logTail}\n\`\`\`` : '',
    ]
      .filter(Boolean)
      .join('\n');
    useComposerPrefill.getState().put(text);
    const shell = useShell.getState();
    shell.setView('chat');
    shell.requestFocus('composer');
  };
  return (
    <div className="live-reload-failed" role="alert">
      <div className="live-reload-failed-head">
        <strong>The new version failed to start</strong>
        <span className="muted"> — the previous version is still running.</span>
        <Button variant="primary" onClick={fix}>
          Fix with the agent
        </Button>
      </div>
      {reload.error && <p>{reload.error}</p>}
      {reload.logTail && (
        <pre className="live-progress" aria-label="Traceback">
          {reload.logTail}
        </pre>
      )}
    </div>
  );
}
