/**
 * A tiny seccomp filter (classic BPF) that bwrap installs before it starts the command:
 * `socket(AF_UNIX, …)` fails with EACCES. The mount namespace already hides path sockets
 * (the session bus under /run/user or /tmp, the keyring's control socket), but *abstract*
 * Unix sockets (an X server, a D-Bus started with `unix:abstract=`) live in the network
 * namespace, which the sandbox keeps so datasources and loopback work as before. This closes
 * that door. `socketpair` stays allowed (asyncio's self-pipe needs it); `io_uring_setup` is
 * refused because io_uring can create sockets without the `socket` call; a process of a
 * foreign architecture (32-bit compat, x32) is killed, since its call numbers differ.
 */

const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const JSET_K = 0x45;
const RET_K = 0x06;
const SECCOMP_RET_ALLOW = 0x7fff0000;
const SECCOMP_RET_KILL_PROCESS = 0x80000000;
const SECCOMP_RET_ERRNO = 0x00050000;
const EACCES = 13;
const AF_UNIX = 1;
const X32_SYSCALL_BIT = 0x40000000;
const IO_URING_SETUP = 425;

/** Per CPU: the audit arch value and the number of the `socket` call. */
const ARCHES: Partial<Record<NodeJS.Architecture, { audit: number; socket: number }>> = {
  x64: { audit: 0xc000003e, socket: 41 },
  arm64: { audit: 0xc00000b7, socket: 198 },
};

type Insn = [code: number, jt: number, jf: number, k: number];

/** The filter for this CPU as the bytes bwrap reads (`struct sock_filter[]`), or null where we have no numbers. */
export function unixSocketFilter(arch: NodeJS.Architecture = process.arch): Buffer | null {
  const a = ARCHES[arch];
  if (!a) return null;
  // seccomp_data: nr at 0, arch at 4, args[0] at 16 (low half on little-endian CPUs).
  const program: Insn[] = [
    [LD_W_ABS, 0, 0, 4], // 0 A = arch
    [JEQ_K, 1, 0, a.audit], // 1 native → 3
    [RET_K, 0, 0, SECCOMP_RET_KILL_PROCESS], // 2
    [LD_W_ABS, 0, 0, 0], // 3 A = nr
    [JSET_K, 5, 0, X32_SYSCALL_BIT], // 4 x32 → 10
    [JEQ_K, 4, 0, IO_URING_SETUP], // 5 → 10
    [JEQ_K, 0, 2, a.socket], // 6 socket → 7, else → 9
    [LD_W_ABS, 0, 0, 16], // 7 A = domain
    [JEQ_K, 1, 0, AF_UNIX], // 8 AF_UNIX → 10
    [RET_K, 0, 0, SECCOMP_RET_ALLOW], // 9
    [RET_K, 0, 0, (SECCOMP_RET_ERRNO | EACCES) >>> 0], // 10
  ];
  const buf = Buffer.alloc(program.length * 8);
  program.forEach(([code, jt, jf, k], i) => {
    buf.writeUInt16LE(code, i * 8);
    buf.writeUInt8(jt, i * 8 + 2);
    buf.writeUInt8(jf, i * 8 + 3);
    buf.writeUInt32LE(k >>> 0, i * 8 + 4);
  });
  return buf;
}
