import type { SandboxRequest } from './types';

/**
 * macOS: a `sandbox-exec` profile with the Linux sandbox's intent. Everything is denied unless
 * allowed: reading the system and the interpreter; reading the request's read-only folders;
 * reading and writing its writable folders and a temp folder; the network (as before);
 * the few system services Python needs for DNS, certificates and time. Not allowed: the
 * rest of the home folder (Keychains, other artifacts, Kiln's data), the keychain daemon
 * (`com.apple.SecurityServer`, `com.apple.securityd`), other processes. Written and unit-tested
 * as text here; it runs only on a Mac.
 */

const SYSTEM_READ = ['/usr', '/bin', '/sbin', '/System', '/Library/Frameworks', '/Library/Developer/CommandLineTools', '/private/etc', '/etc', '/private/var/db/timezone', '/opt/homebrew', '/usr/local', '/Applications/Xcode.app'];
const DEVICES = ['/dev/null', '/dev/zero', '/dev/random', '/dev/urandom', '/dev/tty', '/dev/dtracehelper'];
/** Mach services Python's DNS, TLS certificate checks and logging need. The keychain's are not here. */
const MACH_SERVICES = ['com.apple.mDNSResponder', 'com.apple.system.opendirectoryd.libinfo', 'com.apple.system.notification_center', 'com.apple.trustd.agent', 'com.apple.system.logger', 'com.apple.logd'];

/** A string literal of the profile language (a Scheme string). */
export function sbString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** `tmpDir` is the private temp folder Kiln made for this child. */
export function macProfile(req: SandboxRequest, tmpDir: string): string {
  const sub = (p: string): string => `(subpath ${sbString(p)})`;
  const lines = [
    '(version 1)',
    '(deny default)',
    '(allow process-fork)',
    '(allow process-exec)',
    '(allow signal (target same-sandbox))',
    '(allow sysctl-read)',
    '(allow file-read-metadata)',
    `(allow file-read* ${SYSTEM_READ.map(sub).join(' ')})`,
    `(allow file-read* file-write-data ${DEVICES.map((d) => `(literal ${sbString(d)})`).join(' ')})`,
  ];
  if (req.readOnly.length > 0) lines.push(`(allow file-read* ${req.readOnly.map(sub).join(' ')})`);
  lines.push(`(allow file-read* file-write* ${[...req.writable, tmpDir].map(sub).join(' ')})`);
  if ((req.readOnlyFiles ?? []).length > 0) {
    lines.push(`(deny file-write* ${(req.readOnlyFiles ?? []).map((f) => `(literal ${sbString(f)})`).join(' ')})`);
  }
  lines.push(
    '(allow network*)',
    `(allow mach-lookup ${MACH_SERVICES.map((m) => `(global-name ${sbString(m)})`).join(' ')})`,
    '(allow ipc-posix-shm-read-data ipc-posix-shm-read-metadata)',
    '(deny mach-lookup (global-name "com.apple.SecurityServer") (global-name "com.apple.securityd"))',
  );
  return `${lines.join('\n')}\n`;
}
