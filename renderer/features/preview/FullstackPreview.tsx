import { useCallback, useEffect, useRef, useState } from 'react';
import { ARTIFACT_FRAME_SANDBOX } from './frame-sandbox';
import { api, errorMessage } from '../../api/client';
import { Icon } from '../../components/Icon';
import { Button } from '../../components/Button';
import { useShell } from '../../stores/shell';
import { BackendBadge } from '../backends/BackendBadge';
import { useBackends } from '../backends/store';
import { FileList } from './live/FileList';
import { LogsDrawer } from './live/LogsDrawer';
import { StatusPanel } from './live/StatusPanel';
import { LiveControls } from './live-reload/LiveControls';
import { ReloadBanner } from './live-reload/ReloadBanner';
import { GrantPrompt } from '../grants/GrantPrompt';
import { DatasourceNotice } from '../publish/DatasourceNotice';
import { useLiveFrame } from './live-reload/useLiveFrame';
import { useReloadOnNewProcess } from './live-reload/useReloadOnNewProcess';
import './live/live.css';

type Tab = 'app' | 'files';

/**
 * A fullstack artifact, live: opening it starts its backend (progress shown here), then the
 * app runs in an iframe on its own preview origin — never the raw backend port, never a srcdoc.
 * The frame gets the same sandbox as every artifact frame (frame-sandbox.ts): its own origin
 * keeps it away from Kiln, the sandbox takes away top-level navigation and plugins.
 */
export function FullstackPreview({ slug }: { slug: string }) {
  const status = useBackends((s) => s.statuses[slug]);
  const busy = useBackends((s) => s.busy[slug]);
  const run = useBackends((s) => s.run);
  const refresh = useBackends((s) => s.refresh);
  const notify = useShell((s) => s.notify);
  const [url, setUrl] = useState<string | null>(null);
  const [tab, setTab] = useState<Tab>('app');
  const [logsOpen, setLogsOpen] = useState(false);
  const started = useRef<string | null>(null);

  const act = useCallback(
    (action: 'launch' | 'stop' | 'restart') => {
      run(slug, action).catch((e: unknown) => {
        // The crashed state (with its log tail) is shown in the pane; a toast says why.
        notify({ level: 'error', message: errorMessage(e) });
      });
    },
    [run, slug, notify],
  );

  useEffect(() => {
    let live = true;
    setUrl(null);
    api
      .call('preview.open', { slug })
      .then((r) => live && setUrl(r.url))
      .catch((e: unknown) => notify({ level: 'error', message: errorMessage(e) }));
    refresh(slug)
      .then((s) => {
        // Opening a stopped app starts it; a crashed one waits for the user's Restart.
        if (live && s.state === 'stopped' && started.current !== slug) {
          started.current = slug;
          act('launch');
        }
      })
      .catch((e: unknown) => notify({ level: 'error', message: errorMessage(e) }));
    return () => {
      live = false;
    };
  }, [slug, refresh, act, notify]);

  const state = status?.state ?? 'stopped';
  // The frame follows static/ edits, and reloads in place (route kept) when a new backend
  // process takes over on the same origin (live restart or Restart).
  const live = useLiveFrame(slug, url);
  useReloadOnNewProcess(slug, live.reload);

  const copyUrl = (): void => {
    if (!url) return;
    navigator.clipboard
      .writeText(url)
      .then(() => notify({ level: 'success', message: 'Preview address copied.' }))
      .catch(() => notify({ level: 'error', message: 'Could not copy to the clipboard.' }));
  };
  const openExternal = (): void => {
    if (url) api.call('app.openExternal', { url }).catch((e: unknown) => notify({ level: 'error', message: errorMessage(e) }));
  };
  const running = state === 'running';
  // During a reinstall the previous version keeps serving (status keeps its url).
  const serving = running || (state === 'installing' && !!status?.url);

  return (
    <div className="live">
      <div className="live-toolbar" role="toolbar" aria-label="App preview">
        <div className="live-tabs" role="tablist" aria-label="Preview view">
          <button type="button" role="tab" id={`${slug}-tab-app`} aria-controls={`${slug}-panel`} className="live-tab" aria-selected={tab === 'app'} onClick={() => setTab('app')}>
            App
          </button>
          <button type="button" role="tab" id={`${slug}-tab-files`} aria-controls={`${slug}-panel`} className="live-tab" aria-selected={tab === 'files'} onClick={() => setTab('files')}>
            Files
          </button>
        </div>
        <BackendBadge slug={slug} />
        <LiveControls slug={slug} />
        <span className="live-url" title={url ?? ''}>
          {url ?? ''}
        </span>
        {/* Icon buttons keep the toolbar on one line in a narrow pane; the names stay for screen readers and tooltips. */}
        <Button variant="ghost" className="icon-only" onClick={live.reload} disabled={!running} aria-label="Reload app" title="Reload app">
          <Icon name="refresh" />
        </Button>
        <Button variant="ghost" className="icon-only" onClick={openExternal} disabled={!running || !url} aria-label="Open in browser" title="Open in browser">
          <Icon name="external" />
        </Button>
        <Button variant="ghost" className="icon-only" onClick={copyUrl} disabled={!url} aria-label="Copy URL" title="Copy URL">
          <Icon name="copy" />
        </Button>
        <Button
          variant="ghost"
          className="icon-only"
          onClick={() => act(state === 'stopped' ? 'launch' : 'restart')}
          disabled={busy || state === 'installing' || state === 'starting'}
          aria-label={state === 'stopped' ? 'Start' : 'Restart'}
          title={state === 'stopped' ? 'Start the backend' : 'Restart the backend'}
        >
          <Icon name={state === 'stopped' ? 'play' : 'restart'} />
        </Button>
        <Button variant="ghost" className="icon-only" onClick={() => act('stop')} disabled={busy || state === 'stopped'} aria-label="Stop" title="Stop the backend">
          <Icon name="stop" />
        </Button>
        <Button variant="ghost" className="icon-only" aria-pressed={logsOpen} onClick={() => setLogsOpen((o) => !o)} aria-label="Logs" title="Show logs">
          <Icon name="logs" />
        </Button>
      </div>
      {running && status?.warning && <div className="live-warning" role="alert">{status.warning}</div>}
      {running && status?.error && <div className="live-warning" role="alert">{status.error}</div>}
      <ReloadBanner slug={slug} />
      {status?.pendingGrants && <GrantPrompt slug={slug} pending={status.pendingGrants} />}
      <DatasourceNotice slug={slug} state={state} />
      <div className="live-body" id={`${slug}-panel`} role="tabpanel" aria-labelledby={`${slug}-tab-${tab}`}>
        {tab === 'files' ? (
          <FileList slug={slug} />
        ) : serving && url ? (
          <iframe key={live.key} ref={live.ref} onLoad={live.onLoad} className="live-frame" src={url} title={`App preview: ${slug}`} sandbox={ARTIFACT_FRAME_SANDBOX} />
        ) : (
          <StatusPanel status={status ?? { slug, state: 'stopped' }} onStart={() => act(state === 'crashed' ? 'restart' : 'launch')} />
        )}
      </div>
      {logsOpen && <LogsDrawer slug={slug} onClose={() => setLogsOpen(false)} />}
    </div>
  );
}
