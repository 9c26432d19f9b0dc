import { isolationSentence, type Diagnostics } from '../../../shared/contract/diagnostics';

/** The diagnostics as plain text for a bug report. The caller scrubs it before it leaves main. */
export function diagnosticsText(d: Diagnostics): string {
  const lines = [
    `Kiln ${d.app.version} (${d.app.runtime}) on ${d.app.platform} ${d.app.arch}`,
    `Generated: ${d.generatedAt}`,
    '',
    'Versions:',
    ...Object.entries(d.versions).map(([k, v]) => `  ${k}: ${v}`),
    '',
    `Workspace: ${d.workspace}`,
    `Settings folder: ${d.userData}`,
    '',
    d.python.found
      ? `Python: ${d.python.version} at ${d.python.path} (${d.python.source})${d.python.venvWorks === false ? ' — venv does not work' : ''}`
      : 'Python: not found',
    ...(d.python.problem ? [`  ${d.python.problem}`] : []),
    `Keychain: ${d.keychain.available ? 'available' : 'not available'}`,
    ...(d.keychain.problem ? [`  ${d.keychain.problem}`] : []),
    ...(d.isolation ? [`Isolation: ${isolationSentence(d.isolation)}`] : []),
    '',
    `Backends: ${d.backends.length === 0 ? 'none' : ''}`,
    ...d.backends.map((b) => `  ${b.slug}: ${b.state}${b.error ? ` — ${b.error}` : ''}`),
    '',
    `Recent problems: ${d.recentErrors.length === 0 ? 'none' : ''}`,
    ...d.recentErrors.map((n) => `  [${n.at}] ${n.level}: ${n.message}${n.details ? `\n    ${n.details.split('\n').join('\n    ')}` : ''}`),
  ];
  return `${lines.join('\n')}\n`;
}
