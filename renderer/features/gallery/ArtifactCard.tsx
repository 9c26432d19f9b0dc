import type { ArtifactListItem } from '../../../shared/contract/artifacts';
import { Icon } from '../../components/Icon';
import { useShell } from '../../stores/shell';
import { BackendBadge } from '../backends/BackendBadge';
import { CardThumbnail } from './CardThumbnail';
import { PublishBadge } from '../publish/PublishBadge';
import { useDeploy } from '../deploy/store';
import { fileCountLabel, relativeTime, typeInfo } from './model';
import { isFullstackType } from '../../../shared/artifacts/rules';

export interface CardActions {
  open(item: ArtifactListItem): void;
  reveal(item: ArtifactListItem): void;
  rename(item: ArtifactListItem): void;
  remove(item: ArtifactListItem): void;
}

/** One artifact in the gallery. Damaged records get their own card with the reason. */
export function ArtifactCard({ item, actions, layout, now }: { item: ArtifactListItem; actions: CardActions; layout: 'grid' | 'list'; now: number }) {
  if (item.damaged) {
    return (
      <article className={`artifact-card artifact-card-${layout} artifact-card-damaged`} aria-label={`${item.slug} (damaged)`}>
        <div className="artifact-card-head">
          <span className="artifact-type-icon artifact-type-damaged">
            <Icon name="warning" size={20} label="Damaged record" />
          </span>
          <h3 className="artifact-card-title">{item.slug}</h3>
        </div>
        <p className="artifact-card-reason">{item.damaged.reason}</p>
        <p className="artifact-card-meta muted">Kiln leaves this folder untouched. Changed {relativeTime(item.updatedAt, now)}.</p>
        <div className="artifact-card-actions">
          <button type="button" className="icon-btn" aria-label={`Reveal ${item.slug} in folder`} title="Reveal in folder" onClick={() => actions.reveal(item)}>
            <Icon name="folder" />
          </button>
          <button type="button" className="icon-btn" aria-label={`Delete ${item.slug}`} title="Delete" onClick={() => actions.remove(item)}>
            <Icon name="trash" />
          </button>
        </div>
      </article>
    );
  }
  return <LiveCard item={item} actions={actions} layout={layout} now={now} />;
}

function LiveCard({ item, actions, layout, now }: { item: ArtifactListItem; actions: CardActions; layout: 'grid' | 'list'; now: number }) {
  const openPublishSheet = useShell((s) => s.openPublishSheet);
  const info = item.type ? typeInfo[item.type] : null;
  return (
    <article className={`artifact-card artifact-card-${layout}`} aria-label={item.name}>
      {layout === 'grid' && <CardThumbnail slug={item.slug} name={item.name} icon={info?.icon ?? 'mixed'} label={info?.label ?? 'Artifact'} />}
      <div className="artifact-card-head">
        <span className="artifact-type-icon" title={info?.label}>
          <Icon name={info?.icon ?? 'mixed'} size={20} label={info?.label ?? 'Artifact'} />
        </span>
        <h3 className="artifact-card-title">
          <button type="button" className="artifact-open" onClick={() => actions.open(item)} title={`Open ${item.name}`}>
            {item.name}
          </button>
        </h3>
      </div>
      {item.description && <p className="artifact-card-desc">{item.description}</p>}
      <p className="artifact-card-meta muted">
        <span>{info?.label}</span> · <time dateTime={item.updatedAt} title={item.updatedAt}>{relativeTime(item.updatedAt, now)}</time> ·{' '}
        <span>{fileCountLabel(item.fileCount)}</span>
      </p>
      <div className="artifact-card-badges">
        {isFullstackType(item.type) && <BackendBadge slug={item.slug} />}
        <PublishBadge slug={item.slug} />
      </div>
      <div className="artifact-card-actions">
        <button type="button" className="icon-btn" aria-label={`Publish ${item.name}`} title="Publish…" aria-haspopup="dialog" onClick={() => openPublishSheet(item.slug)}>
          <Icon name="upload" />
        </button>
        <button type="button" className="icon-btn" aria-label={`Deploy ${item.name}`} title="Deploy to a server…" aria-haspopup="dialog" onClick={() => useDeploy.getState().open(item.slug)}>
          <Icon name="server" />
        </button>
        <button type="button" className="icon-btn" aria-label={`Reveal ${item.name} in folder`} title="Reveal in folder" onClick={() => actions.reveal(item)}>
          <Icon name="folder" />
        </button>
        <button type="button" className="icon-btn" aria-label={`Rename ${item.name}`} title="Rename" onClick={() => actions.rename(item)}>
          <Icon name="edit" />
        </button>
        <button type="button" className="icon-btn" aria-label={`Delete ${item.name}`} title="Delete" onClick={() => actions.remove(item)}>
          <Icon name="trash" />
        </button>
      </div>
    </article>
  );
}
