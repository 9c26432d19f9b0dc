import { useState } from 'react';
import { errorMessage } from '../../../api/client';
import { Button } from '../../../components/Button';
import { useSettings } from '../../../stores/settings';

export function SetupSection() {
  const update = useSettings((s) => s.update);
  const [error, setError] = useState<string | null>(null);
  return (
    <div>
      <p>The first-run setup walks through the workspace, the model provider, Python and the keychain, and offers the examples.</p>
      <Button onClick={() => void update({ ui: { firstRunDone: false } }).catch((e) => setError(errorMessage(e)))}>Open first-run setup</Button>
      {error && <p className="error-text" role="alert">{error}</p>}
    </div>
  );
}
