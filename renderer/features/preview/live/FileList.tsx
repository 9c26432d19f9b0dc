import { useEffect, useState } from 'react';
import { api, errorMessage } from '../../../api/client';

interface FileRow {
  path: string;
  bytes: number;
}

/** The artifact's files (secondary tab of the fullstack preview). */
export function FileList({ slug }: { slug: string }) {
  const [files, setFiles] = useState<FileRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api
      .call('artifacts.open', { slug })
      .then((r) => live && setFiles(r.files.map((f) => ({ path: f.path, bytes: f.bytes }))))
      .catch((e: unknown) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
  }, [slug]);
  if (error) return <p className="error-text live-files">{error}</p>;
  if (!files) return <p className="muted live-files">Loading files…</p>;
  return (
    <ul className="live-files">
      {files.map((f) => (
        <li key={f.path}>
          <code>{f.path}</code> <span className="muted">{Math.max(1, Math.round(f.bytes / 1024))} KB</span>
        </li>
      ))}
    </ul>
  );
}
