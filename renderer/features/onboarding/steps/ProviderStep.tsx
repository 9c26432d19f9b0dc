import { ProviderSection } from '../../settings/sections/ProviderSection';

/** The same form as Settings → Provider, with a word of introduction. */
export function ProviderStep() {
  return (
    <div>
      <p>Kiln talks to any OpenAI-compatible model service. Your key is stored in the OS keychain, never in a file.</p>
      <ProviderSection />
    </div>
  );
}
