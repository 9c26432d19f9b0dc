import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { isFullstackType, type ArtifactRecord, type TableResult } from '../../../shared/contract/artifacts';
import { ARTIFACT_FRAME_SANDBOX } from './frame-sandbox';
import { api, errorMessage } from '../../api/client';
import { useEvent } from '../../api/hooks';
import { EmptyState } from '../../components/EmptyState';
import { Icon } from '../../components/Icon';
import { Spinner } from '../../components/Spinner';
import { useShell } from '../../stores/shell';
import { typeInfo } from '../gallery/model';
import { PublishBadge } from '../publish/PublishBadge';
import { ArtifactFiles } from './ArtifactFiles';
import { FullstackPreview } from './FullstackPreview';
import { MarkdownView } from './MarkdownView';
import { TableView } from './TableView';
import './preview.css';

type Body =
  | { kind: 'frame'; url: string }
  | { kind: 'image'; src: string; path: string }
  | { kind: 'markdown'; text: string; plain: boolean }
  | { kind: 'table'; table: TableResult }
  | { kind: 'files' }
  | { kind: 'fullstack' };

/** Shows the artifact the shell has open: header with name, type and close; the body by type. */
export function PreviewPane({ slug }: { slug: string | null }) {
  const closePreview = useShell((s) => s.closePreview);
  const openPublishSheet = useShell((s) => s.openPublishSheet);
  const [record, setRecord] = useState<ArtifactRecord | null>(null);
  const [body, setBody] = useState<Body | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  const load = useCallback(
    async (s: string, signal: { cancelled: boolean }) => {
      try {
        const r = await api.call('artifacts.open', { slug: s });
        if (signal.cancelled) return;
        const b = await bodyFor(r);
        // Another artifact may have been opened while this one's body loaded.
        if (signal.cancelled) return;
        setRecord(r);
        setError(null);
        setBody(b);
      } catch (e) {
        if (!signal.cancelled) setError(errorMessage(e));
      }
    },
    [],
  );

  // The newest load's token: a load for another slug, or an older reload, is dropped.
  const current = useRef<{ cancelled: boolean } | null>(null);
  const start = useCallback(
    (s: string) => {
      if (current.current) current.current.cancelled = true;
      const signal = { cancelled: false };
      current.current = signal;
      void load(s, signal);
    },
    [load],
  );

  useEffect(() => {
    setRecord(null);
    setBody(null);
    setError(null);
    if (!slug) return;
    start(slug);
    return () => {
      if (current.current) current.current.cancelled = true;
    };
  }, [slug, start]);

  useEvent('artifacts.changed', (e) => {
    if (!slug || !(e.slugs.includes(slug) || e.slugs.includes('*'))) return;
    setVersion((v) => v + 1);
    start(slug);
  });

  if (!slug) {
    return (
      <div className="pane-placeholder">
        <EmptyState icon="image" title="Nothing to preview">Open an artifact from the gallery or a chat to see it here.</EmptyState>
      </div>
    );
  }
  const info = record ? typeInfo[record.type] : null;
  let content: ReactNode;
  if (error) content = <p className="error-text preview-note" role="alert">{error}</p>;
  else if (!record || !body) content = <div className="preview-loading"><Spinner label="Loading preview" /></div>;
  else if (body.kind === 'fullstack') content = <FullstackPreview slug={record.slug} />;
  else if (body.kind === 'frame')
    content = <iframe key={version} className="preview-frame" title={`Preview of ${record.name}`} src={body.url} sandbox={ARTIFACT_FRAME_SANDBOX} />;
  else if (body.kind === 'image')
    content = (
      <div className="preview-image">
        <img src={body.src} alt={body.path} />
      </div>
    );
  else if (body.kind === 'markdown') content = <MarkdownView text={body.text} plain={body.plain} />;
  else if (body.kind === 'table') content = <TableView table={body.table} />;
  else content = <ArtifactFiles files={record.files} primary={record.primary} />;

  return (
    <section className="preview" aria-label={record ? `Preview: ${record.name}` : 'Preview'}>
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
        {record && <PublishBadge slug={record.slug} />}
        <button type="button" className="icon-btn" aria-label="Publish…" title="Publish…" aria-haspopup="dialog" onClick={() => openPublishSheet(slug)}>
          <Icon name="upload" />
        </button>
        <button type="button" className="icon-btn" aria-label="Reveal in folder" title="Reveal in folder" onClick={() => void api.call('artifacts.reveal', { slug }).catch(() => undefined)}>
          <Icon name="folder" />
        </button>
        <button type="button" className="icon-btn" aria-label="Close preview" title="Close" onClick={closePreview}>
          <Icon name="close" />
        </button>
      </header>
      <div className="preview-body">{content}</div>
    </section>
  );
}

const htmlLike = (p: string | null): boolean => Boolean(p && /\.html?$/i.test(p));

/** Picks how to show a record; falls back to the file list when the richer view can't load. */
async function bodyFor(r: ArtifactRecord): Promise<Body> {
  if (isFullstackType(r.type)) return { kind: 'fullstack' };
  try {
    switch (r.type) {
      case 'html-app':
      case 'image': {
        // The preview origin serves the primary at `/` (or index.html); without either, show
        // the first image directly, or the files.
        if (r.primary || r.files.some((f) => f.path === 'index.html')) {
          const { url } = await api.call('preview.open', { slug: r.slug });
          return { kind: 'frame', url };
        }
        if (r.type === 'image') {
          const img = await api.call('artifacts.readImage', { slug: r.slug });
          return { kind: 'image', src: `data:${img.mime};base64,${img.base64}`, path: img.path };
        }
        return { kind: 'files' };
      }
      case 'document': {
        const t = await api.call('artifacts.readText', { slug: r.slug });
        return { kind: 'markdown', text: t.text, plain: !/\.(md|markdown)$/i.test(t.path) };
      }
      case 'dataset':
        return { kind: 'table', table: await api.call('artifacts.readTable', { slug: r.slug }) };
      case 'mixed':
        if (htmlLike(r.primary)) {
          const { url } = await api.call('preview.open', { slug: r.slug });
          return { kind: 'frame', url };
        }
        return { kind: 'files' };
    }
  } catch {
    // The file list is always available; the error itself surfaces when the user opens the file.
  }
  return { kind: 'files' };
}
