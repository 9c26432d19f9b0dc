import { useEffect, type ReactNode } from 'react';
import type { ArtifactRecord } from '../../../shared/contract/artifacts';
import { EmptyState } from '../../components/EmptyState';
import { Icon } from '../../components/Icon';
import { Spinner } from '../../components/Spinner';
import { useShell } from '../../stores/shell';
import { typeInfo } from '../gallery/model';
import { revealArtifact } from '../gallery/reveal';
import { PublishBadge } from '../publish/PublishBadge';
import { useDeploy } from '../deploy/store';
import { ArtifactFiles } from './ArtifactFiles';
import type { Body } from './body';
import { FullstackPreview } from './FullstackPreview';
import { LiveControls } from './live-reload/LiveControls';
import { LiveFrame } from './live-reload/LiveFrame';
import { MarkdownView } from './MarkdownView';
import { usePreview } from './store';
import { HistoryPanel, HistoryTabs } from '../history/HistoryPanel';
import { useHistory } from '../history/store';
import { TableView } from './TableView';
import './preview.css';

/** Shows the artifact the shell has open: header with name, type and close; the body by type. */
export function PreviewPane({ slug }: { slug: string | null }) {
  const record = usePreview((s) => s.record);
  const body = usePreview((s) => s.body);
  const error = usePreview((s) => s.error);
  const frameKey = usePreview((s) => s.frameKey);
  const historyOpen = useHistory((s) => s.slug !== null && s.slug === slug);
  useEffect(() => {
    if (!slug) return;
    const preview = usePreview.getState();
    preview.open(slug);
    return () => preview.close();
  }, [slug]);

  if (!slug) {
    return (
      <div className="pane-placeholder">
        <EmptyState icon="image" title="Nothing to preview">Open an artifact from the gallery or a chat to see it here.</EmptyState>
      </div>
    );
  }
  let content: ReactNode;
  if (error) content = <p className="error-text preview-note" role="alert">{error}</p>;
  else if (!record || !body) content = <div className="preview-loading"><Spinner label="Loading preview" /></div>;
  else content = <PreviewBody record={record} body={body} frameKey={frameKey} />;

  return (
    <section className="preview" aria-label={record ? `Preview: ${record.name}` : 'Preview'}>
      <PreviewHeader slug={slug} record={record} />
      <HistoryTabs slug={slug} />
      <div className="preview-body">{historyOpen ? <HistoryPanel /> : content}</div>
    </section>
  );
}

function PreviewBody({ record, body, frameKey }: { record: ArtifactRecord; body: Body; frameKey: number }) {
  switch (body.kind) {
    case 'fullstack':
      return <FullstackPreview slug={record.slug} />;
    case 'frame':
      return <LiveFrame key={frameKey} slug={record.slug} url={body.url} title={`Preview of ${record.name}`} />;
    case 'image':
      return (
        <div className="preview-image">
          <img src={body.src} alt={body.path} />
        </div>
      );
    case 'markdown':
      return <MarkdownView text={body.text} plain={body.plain} />;
    case 'table':
      return <TableView table={body.table} />;
    case 'files':
      return <ArtifactFiles files={record.files} primary={record.primary} />;
  }
}

function PreviewHeader({ slug, record }: { slug: string; record: ArtifactRecord | null }) {
  const closePreview = useShell((s) => s.closePreview);
  const openPublishSheet = useShell((s) => s.openPublishSheet);
  const info = record ? typeInfo[record.type] : null;
  const frame = usePreview((s) => s.body?.kind === 'frame');
  return (
    <header className="preview-header">
      {info && (
        <span className="artifact-type-icon" title={info.label}>
          <Icon name={info.icon} size={18} label={info.label} />
        </span>
      )}
      <div className="preview-title">
        <h2>{record?.name ?? slug}</h2>
        {info && <span className="muted">{info.label}</span>}
      </div>
      {record && frame && <LiveControls slug={record.slug} />}
      {record && <PublishBadge slug={record.slug} />}
      <button type="button" className="icon-btn" aria-label="Publish…" title="Publish…" aria-haspopup="dialog" onClick={() => openPublishSheet(slug)}>
        <Icon name="upload" />
      </button>
      <button type="button" className="icon-btn" aria-label="Deploy…" title="Deploy to a server…" aria-haspopup="dialog" onClick={() => useDeploy.getState().open(slug)}>
        <Icon name="server" />
      </button>
      <button type="button" className="icon-btn" aria-label="Reveal in folder" title="Reveal in folder" onClick={() => revealArtifact(slug)}>
        <Icon name="folder" />
      </button>
      <button type="button" className="icon-btn" aria-label="Close preview" title="Close" onClick={closePreview}>
        <Icon name="close" />
      </button>
    </header>
  );
}
