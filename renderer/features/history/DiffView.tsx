import type { FileDiff } from '../../../shared/contract/history';

const changeLabel = { added: 'added', modified: 'changed', deleted: 'deleted' } as const;

/** The files one checkpoint changed, each with its lines (text) or a note (images, binaries, big files). */
export function DiffView({ files }: { files: FileDiff[] }) {
  if (files.length === 0) return <p className="muted history-note">No file changed in this checkpoint (only the name, description or settings).</p>;
  return (
    <div className="history-diff">
      {files.map((f) => (
        <section key={f.path} className="history-diff-file" aria-label={`${f.path} ${changeLabel[f.change]}`}>
          <header>
            <code>{f.path}</code>
            <span className={`history-change history-change-${f.change}`}>{changeLabel[f.change]}</span>
          </header>
          {f.binary ? (
            <p className="muted history-note">Binary file {changeLabel[f.change]} (not shown as text).</p>
          ) : f.tooLarge ? (
            <p className="muted history-note">Too large to show here.</p>
          ) : (
            <pre className="history-hunks">
              {f.hunks.map((h, i) => (
                <span key={i}>
                  <span className="history-hunk-head">{`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`}</span>
                  {h.lines.map((line, j) => (
                    <span key={j} className={line.startsWith('+') ? 'history-line history-add' : line.startsWith('-') ? 'history-line history-del' : 'history-line'}>
                      {line}
                    </span>
                  ))}
                </span>
              ))}
            </pre>
          )}
        </section>
      ))}
    </div>
  );
}
