import { memo } from 'react';
import type { TurnView } from '../../../shared/chat/reducer';
import { Button } from '../../components/Button';
import { ArtifactCard, PublishCard } from './Cards';
import { Markdown } from './Markdown';
import { ToolCard } from './ToolCard';
import { TurnUndo } from '../history/TurnUndo';

const fmt = new Intl.NumberFormat();

const endNote: Partial<Record<TurnView['status'], string>> = {
  stopped: 'Stopped. What streamed before is kept.',
  interrupted: 'Interrupted: Kiln stopped while this answer was streaming.',
};

interface Props {
  turn: TurnView;
  isLast: boolean;
  onRetry(): void;
  onEdit(prompt: string): void;
}

/** One exchange. Memoized: while a turn streams, only it re-renders, not the whole history. */
export const Turn = memo(function Turn({ turn, isLast, onRetry, onEdit }: Props) {
  const running = turn.status === 'running';
  return (
    <article className="turn" aria-busy={running}>
      <div className="msg-user">
        <div className="msg-user-text">{turn.prompt}</div>
        {isLast && !running && (
          <button type="button" className="link-btn" onClick={() => onEdit(turn.prompt)}>
            Edit
          </button>
        )}
      </div>
      <div className="msg-assistant">
        {turn.blocks.map((block, i) => {
          switch (block.kind) {
            case 'text':
              return <Markdown key={i} text={block.text} streaming={running && i === turn.blocks.length - 1} />;
            case 'tool':
              return <ToolCard key={block.callId} block={block} />;
            case 'artifact':
              return <ArtifactCard key={`a-${block.slug}`} slug={block.slug} name={block.name} artifactType={block.artifactType} />;
            case 'publish':
              return <PublishCard key={`p-${i}`} slug={block.slug} note={block.note} />;
          }
        })}
        {running && turn.retrying && (
          <div className="thinking" role="status">
            {turn.retrying.reason} Trying again in {Math.max(1, Math.round(turn.retrying.delayMs / 1000))} s (attempt {turn.retrying.attempt + 1})…
          </div>
        )}
        {running && !turn.retrying && turn.blocks.length === 0 && <div className="thinking" role="status">Thinking…</div>}
        {turn.error && (
          <div className="turn-error" role="alert">
            <p>{turn.error.message}</p>
            {turn.error.details && (
              <details>
                <summary>Details</summary>
                <pre>{turn.error.details}</pre>
              </details>
            )}
          </div>
        )}
        {endNote[turn.status] && <p className="turn-note">{endNote[turn.status]}</p>}
        <div className="turn-footer">
          {turn.usage && (
            <span className="turn-usage" title="Tokens used by this turn (all model calls)">
              {fmt.format(turn.usage.totalTokens)} tokens · {fmt.format(turn.usage.promptTokens)} in · {fmt.format(turn.usage.completionTokens)} out
            </span>
          )}
          {!running && turn.blocks.some((b) => b.kind === 'tool') && <TurnUndo turnId={turn.id} />}
          {isLast && !running && (
            <Button variant="ghost" onClick={onRetry}>
              Retry
            </Button>
          )}
        </div>
      </div>
    </article>
  );
});
