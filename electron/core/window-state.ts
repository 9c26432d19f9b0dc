import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { toPrettyJson } from '../services/fs/atomic-write';
import { writeStateFile } from '../services/fs/state-file';

const boundsSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(400).max(20000),
  height: z.number().int().min(300).max(20000),
  maximized: z.boolean().default(false),
});
export type WindowBounds = z.infer<typeof boundsSchema>;

export const DEFAULT_BOUNDS = { width: 1360, height: 860 } as const;

/** Window size and position, remembered across restarts in `<userData>/window-state.json`. */
export async function loadWindowBounds(userData: string): Promise<WindowBounds | null> {
  try {
    const parsed = boundsSchema.safeParse(JSON.parse(await fs.readFile(path.join(userData, 'window-state.json'), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function saveWindowBounds(userData: string, bounds: WindowBounds): Promise<void> {
  const parsed = boundsSchema.safeParse(bounds);
  if (!parsed.success) return;
  await writeStateFile(path.join(userData, 'window-state.json'), toPrettyJson(parsed.data));
}

/** Keeps a remembered window on a visible display; falls back to centred defaults. */
export function fitToDisplays(bounds: WindowBounds | null, displays: { x: number; y: number; width: number; height: number }[]): WindowBounds | null {
  if (!bounds) return null;
  const visible = displays.some(
    (d) => bounds.x + 100 > d.x && bounds.y + 50 > d.y && bounds.x < d.x + d.width - 100 && bounds.y < d.y + d.height - 50,
  );
  return visible ? bounds : null;
}
