import type { AppInfo, Notice } from '../../../shared/contract/app';
import type { PythonInfo } from '../../../shared/contract/backends';
import type { Diagnostics, IsolationCheck, KeychainCheck, PythonCheck } from '../../../shared/contract/diagnostics';
import { checkPython } from './python-check';
import { diagnosticsText } from './report';

export interface DiagnosticsDeps {
  appInfo(): AppInfo;
  findPython(): Promise<PythonInfo>;
  keychain(): Promise<KeychainCheck>;
  /** The app sandbox's status (`AppSandbox.status`); `refresh` checks the machine again. */
  isolation?(refresh: boolean): Promise<IsolationCheck>;
  backends(): { slug: string; state: string; url?: string | undefined; error?: string | undefined }[];
  notices(): Notice[];
  scrub(text: string): string;
}

/** What the Diagnostics page and the first-run wizard show, and the text for bug reports. */
export class DiagnosticsService {
  constructor(private readonly deps: DiagnosticsDeps) {}

  checkPython(options: { venv: boolean }): Promise<PythonCheck> {
    return checkPython(() => this.deps.findPython(), options);
  }

  /** For the first-run machine check and Settings: checked again, so installing bwrap shows up without a restart. */
  async isolation(): Promise<IsolationCheck> {
    if (!this.deps.isolation) return { mode: 'off', available: false, isolated: false, tool: 'none', problem: 'This build has no app sandbox.' };
    return this.deps.isolation(true);
  }

  async collect(): Promise<Diagnostics> {
    const info = this.deps.appInfo();
    const [python, keychain, isolation] = await Promise.all([this.checkPython({ venv: false }), this.deps.keychain(), this.deps.isolation?.(false)]);
    return {
      generatedAt: new Date().toISOString(),
      app: { name: info.name, version: info.version, runtime: info.runtime, platform: info.platform, arch: info.arch },
      versions: info.versions,
      workspace: info.workspace,
      userData: info.userData,
      python,
      keychain,
      ...(isolation ? { isolation } : {}),
      backends: this.deps.backends().map((b) => ({
        slug: b.slug,
        state: b.state,
        ...(b.url ? { url: b.url } : {}),
        ...(b.error ? { error: b.error } : {}),
      })),
      recentErrors: this.deps.notices().filter((n) => n.level !== 'info').slice(-20),
    };
  }

  /** Scrubbed: the user pastes this into a bug report. */
  async text(): Promise<string> {
    return this.deps.scrub(diagnosticsText(await this.collect()));
  }
}
