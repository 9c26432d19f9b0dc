import { useState } from 'react';
import { api, errorMessage } from '../../../api/client';
import { Button } from '../../../components/Button';
import { Spinner } from '../../../components/Spinner';

export function ExamplesStep() {
  const [state, setState] = useState<{ busy: boolean; added?: string[]; error?: string }>({ busy: false });
  const add = async (): Promise<void> => {
    setState({ busy: true });
    try {
      const r = await api.call('artifacts.addExamples');
      setState({ busy: false, added: r.slugs });
    } catch (e) {
      setState({ busy: false, error: errorMessage(e) });
    }
  };
  return (
    <div>
      <p>Two small examples show what Kiln makes: an HTML sales dashboard, and a fullstack app with a FastAPI backend that runs on your machine.</p>
      <Button variant="primary" onClick={() => void add()} disabled={state.busy || Boolean(state.added)}>
        {state.busy ? <Spinner label="Adding" /> : null} Add the examples
      </Button>
      {state.added && <p role="status">Added {state.added.length} examples to your gallery.</p>}
      {state.error && <p className="error-text" role="alert">{state.error}</p>}
    </div>
  );
}
