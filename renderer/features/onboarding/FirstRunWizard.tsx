import { useState } from 'react';
import { errorMessage } from '../../api/client';
import { Button } from '../../components/Button';
import { useSettings } from '../../stores/settings';
import { useShell } from '../../stores/shell';
import { ExamplesStep } from './steps/ExamplesStep';
import { ProviderStep } from './steps/ProviderStep';
import { SystemStep } from './steps/SystemStep';
import { WorkspaceStep } from './steps/WorkspaceStep';
import './onboarding.css';

const steps = [
  { id: 'workspace', title: 'Choose your workspace', Component: WorkspaceStep },
  { id: 'provider', title: 'Connect a model', Component: ProviderStep },
  { id: 'system', title: 'Check this machine', Component: SystemStep },
  { id: 'examples', title: 'Try the examples', Component: ExamplesStep },
] as const;

const STEP_KEY = 'kiln.setupStep';

/** Shown on a fresh profile (settings.ui.firstRunDone false); can be skipped and reopened from Settings. */
export function FirstRunWizard() {
  const update = useSettings((s) => s.update);
  const setView = useShell((s) => s.setView);
  // A reload mid-setup comes back to the same step.
  const [index, setIndexState] = useState(() => Math.min(Number(sessionStorage.getItem(STEP_KEY)) || 0, steps.length - 1));
  const setIndex = (i: number): void => {
    sessionStorage.setItem(STEP_KEY, String(i));
    setIndexState(i);
  };
  const [error, setError] = useState<string | null>(null);
  const step = steps[index]!;
  const last = index === steps.length - 1;
  const finish = async (): Promise<void> => {
    try {
      sessionStorage.removeItem(STEP_KEY);
      await update({ ui: { firstRunDone: true } });
      setView('gallery');
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <div className="wizard-backdrop">
      <section className="wizard" role="dialog" aria-modal="true" aria-labelledby="wizard-title">
        <header className="wizard-header">
          <p className="muted">Welcome to Kiln · step {index + 1} of {steps.length}</p>
          <h1 id="wizard-title">{step.title}</h1>
          <ol className="wizard-progress" aria-label="Setup steps">
            {steps.map((s, i) => (
              <li key={s.id} aria-current={i === index ? 'step' : undefined} className={i < index ? 'done' : ''}>
                {s.title}
              </li>
            ))}
          </ol>
        </header>
        <div className="wizard-body">
          <step.Component />
        </div>
        {error && <p className="error-text" role="alert">{error}</p>}
        <footer className="wizard-footer">
          <Button variant="ghost" onClick={() => void finish()}>
            Skip setup
          </Button>
          <span style={{ flex: 1 }} />
          {index > 0 && <Button onClick={() => setIndex(index - 1)}>Back</Button>}
          {last ? (
            <Button variant="primary" onClick={() => void finish()}>
              Finish
            </Button>
          ) : (
            <Button variant="primary" onClick={() => setIndex(index + 1)}>
              Next
            </Button>
          )}
        </footer>
      </section>
    </div>
  );
}
