import { useEffect, useState } from 'react';
import { useShell, type Toast } from '../stores/shell';

function ToastItem({ toast }: { toast: Toast }) {
  const dismiss = useShell((s) => s.dismiss);
  const [showDetails, setShowDetails] = useState(false);
  useEffect(() => {
    if (toast.level === 'error' || showDetails) return;
    const t = setTimeout(() => dismiss(toast.id), 6000);
    return () => clearTimeout(t);
  }, [toast, dismiss, showDetails]);
  return (
    <div className={`toast toast-${toast.level}`} role={toast.level === 'error' ? 'alert' : 'status'}>
      <div className="toast-message">{toast.message}</div>
      {toast.details && (
        <button type="button" className="link-btn" onClick={() => setShowDetails((v) => !v)}>
          {showDetails ? 'Hide details' : 'Details'}
        </button>
      )}
      {showDetails && toast.details && <pre className="toast-details">{toast.details}</pre>}
      <button type="button" className="icon-btn toast-close" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
        ×
      </button>
    </div>
  );
}

export function Toasts() {
  const toasts = useShell((s) => s.toasts);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <ToastItem key={t.id} toast={t} />
      ))}
    </div>
  );
}
