import { useEffect, useState } from 'react';
import { api } from './api/client';
import { onCommand } from './commands';
import { Icon, type IconName } from './components/Icon';
import { ResizeHandle } from './components/ResizeHandle';
import { Toasts } from './components/Toasts';
import { AboutView } from './features/about/AboutView';
import { ChatView } from './features/chat/ChatView';
import { ConversationList } from './features/chat/ConversationList';
import { useChat } from './features/chat/store';
import { GalleryView } from './features/gallery/GalleryView';
import { FirstRunWizard } from './features/onboarding/FirstRunWizard';
import { PreviewPane } from './features/preview/PreviewPane';
import { PublishSheet } from './features/publish/PublishSheet';
import { DeploySheet } from './features/deploy/DeploySheet';
import { SettingsView } from './features/settings/SettingsView';
import { useGlobalShortcuts } from './shortcuts';
import { useSettings } from './stores/settings';
import { useShell, type View } from './stores/shell';

const navItems: { view: View; label: string; icon: IconName }[] = [
  { view: 'chat', label: 'Chat', icon: 'chat' },
  { view: 'gallery', label: 'Gallery', icon: 'gallery' },
  { view: 'settings', label: 'Settings', icon: 'settings' },
  { view: 'about', label: 'About & Help', icon: 'info' },
];

function CurrentView({ view }: { view: View }) {
  switch (view) {
    case 'chat':
      return <ChatView />;
    case 'gallery':
      return <GalleryView />;
    case 'settings':
      return <SettingsView />;
    case 'about':
      return <AboutView />;
  }
}

function useThemeAttribute(): void {
  const theme = useSettings((s) => s.settings?.appearance.theme ?? 'system');
  useEffect(() => {
    if (theme === 'system') document.documentElement.removeAttribute('data-theme');
    else document.documentElement.setAttribute('data-theme', theme);
  }, [theme]);
}

export function App() {
  const { view, setView, preview, previewVisible, togglePreview, notify, connected } = useShell();
  const settings = useSettings((s) => s.settings);
  const loadError = useSettings((s) => s.loadError);
  const load = useSettings((s) => s.load);
  const update = useSettings((s) => s.update);
  const [sidebarWidth, setSidebarWidth] = useState<number | null>(null);
  const [previewWidth, setPreviewWidth] = useState<number | null>(null);

  useGlobalShortcuts();
  useThemeAttribute();
  useEffect(() => {
    void load();
    api.call('app.notices').then(
      (list) => list.forEach((n) => notify({ level: n.level, message: n.message, details: n.details })),
      () => undefined,
    );
  }, [load, notify]);
  useEffect(() => onCommand('preview.toggle', togglePreview), [togglePreview]);
  useEffect(() => onCommand('settings.open', () => setView('settings')), [setView]);
  const requestFocus = useShell((s) => s.requestFocus);
  useEffect(() => onCommand('gallery.search', () => requestFocus('gallery-search')), [requestFocus]);
  useEffect(() => onCommand('chat.focusComposer', () => requestFocus('composer')), [requestFocus]);
  useEffect(
    () =>
      onCommand('chat.new', () => {
        useChat.getState().newChat();
        requestFocus('composer');
      }),
    [requestFocus],
  );
  useEffect(() => onCommand('chat.stop', () => void useChat.getState().stop()), []);

  const ui = settings?.ui;
  const sw = sidebarWidth ?? ui?.sidebarWidth ?? 260;
  const pw = previewWidth ?? ui?.previewWidth ?? 560;
  // Settings and About get the whole width; the preview belongs to chat and the gallery.
  const showPreview = previewVisible && (ui?.previewOpen ?? true) && (view === 'chat' || view === 'gallery');

  return (
    <div className="app">
      {!connected && (
        <div className="banner" role="alert">
          Lost the connection to Kiln. If you restarted it, open the new link it printed.
        </div>
      )}
      {loadError && (
        <div className="banner" role="alert">
          {loadError}
        </div>
      )}
      <div className="shell">
        <aside className="sidebar" style={{ width: sw }} aria-label="Sidebar">
          <div className="brand">
            <span className="brand-mark" aria-hidden="true">
              ◆
            </span>
            Kiln
          </div>
          <nav className="nav" aria-label="Navigation">
            {navItems.map((item) => (
              <button
                key={item.view}
                type="button"
                className="nav-item"
                aria-current={view === item.view ? 'page' : undefined}
                onClick={() => setView(item.view)}
              >
                <Icon name={item.icon} />
                {item.label}
              </button>
            ))}
          </nav>
          {view === 'chat' && (
            <div className="sidebar-section">
              <ConversationList />
            </div>
          )}
        </aside>
        <ResizeHandle
          label="Resize sidebar"
          size={sw}
          min={160}
          max={480}
          direction={1}
          onResize={setSidebarWidth}
          onCommit={(w) => void update({ ui: { sidebarWidth: w } }).catch(() => undefined)}
        />
        <main className="main">
          <CurrentView view={view} />
        </main>
        {showPreview && (
          <>
            <ResizeHandle
              label="Resize preview"
              size={pw}
              min={280}
              max={1600}
              direction={-1}
              onResize={setPreviewWidth}
              onCommit={(w) => void update({ ui: { previewWidth: w } }).catch(() => undefined)}
            />
            <aside className="preview-pane" style={{ width: pw }} aria-label="Preview">
              <PreviewPane slug={preview?.slug ?? null} />
            </aside>
          </>
        )}
      </div>
      {settings && !settings.ui.firstRunDone && <FirstRunWizard />}
      {/* slot: overlays */}
      <PublishSheet />
      <DeploySheet />
      {/* The wizard shows its own checks inline; toasts would cover its buttons. */}
      {(!settings || settings.ui.firstRunDone) && <Toasts />}
    </div>
  );
}
