import { constants, promises as fs } from 'node:fs';

const CHUNK = 64 * 1024;

/**
 * Cuts an append-only line log back to its last complete line (ending in `\n`), dropping a
 * torn tail left by a crash or a failed (full-disk) append. Truncating needs no free space.
 * A missing file is fine (nothing to cut); a non-regular file is refused without blocking.
 */
export async function truncateToLastLine(file: string): Promise<number> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, constants.O_RDWR | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new Error('not a regular file');
    let end = st.size;
    const buf = Buffer.alloc(CHUNK);
    while (end > 0) {
      const start = Math.max(0, end - CHUNK);
      const { bytesRead } = await handle.read(buf, 0, end - start, start);
      const nl = buf.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (nl >= 0) {
        end = start + nl + 1;
        break;
      }
      end = start;
    }
    if (end !== st.size) await handle.truncate(end);
    return st.size - end;
  } finally {
    await handle.close();
  }
}
