/** "Set" / "Not set" for a secret, and where a set value comes from. Never the value itself. */
export function SecretBadge({ set, source }: { set: boolean; source?: 'keychain' | 'environment' | null }) {
  if (!set) return <span className="secret-badge secret-badge-unset">Not set</span>;
  return (
    <span className="secret-badge secret-badge-set">
      Set{source === 'environment' ? ' (from environment)' : source === 'keychain' ? ' (in keychain)' : ''}
    </span>
  );
}
