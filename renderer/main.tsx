import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { api } from './api/client';
import { App } from './App';
import { startSync } from './sync/sync';
import './styles/theme.css';
import './styles/base.css';
import './styles/shell.css';

const root = createRoot(document.getElementById('root')!);
const startupError = api.startupError();
if (startupError) {
  root.render(
    <div className="empty-state" role="alert">
      <h1>Kiln can't connect</h1>
      <p>{startupError.message}</p>
    </div>,
  );
} else {
  startSync();
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
