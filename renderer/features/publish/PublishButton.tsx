import { Button } from '../../components/Button';
import { useShell } from '../../stores/shell';

/** Opens the review sheet; used on gallery cards, the preview header and the chat publish card. */
export function PublishButton({ slug, label = 'Publish…' }: { slug: string; label?: string }) {
  const open = useShell((s) => s.openPublishSheet);
  return (
    <Button onClick={() => open(slug)} aria-haspopup="dialog">
      {label}
    </Button>
  );
}
