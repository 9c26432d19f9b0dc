import type { FileEntry } from '../../../shared/contract/artifacts';

const size = (bytes: number): string =>
  bytes < 1024 ? `${bytes} B` : bytes < 1048576 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1048576).toFixed(1)} MB`;

/** The artifact's files as a plain list (for types without a richer preview). */
export function ArtifactFiles({ files, primary }: { files: readonly FileEntry[]; primary: string | null }) {
  if (files.length === 0) return <p className="muted preview-note">This artifact has no files yet.</p>;
  return (
    <ul className="preview-files" aria-label="Files">
      {files.map((f) => (
        <li key={f.path}>
          <code>{f.path}</code>
          {f.path === primary && <span className="preview-primary">entry</span>}
          <span className="muted">{size(f.bytes)}</span>
        </li>
      ))}
    </ul>
  );
}
