import { z } from 'zod';

/**
 * Where a stored app key (provider, publish) may be sent: the origin the user confirmed it for,
 * next to the origin Kiln would send it to now. Settings shows "Send it to …?" while they differ.
 */
export const keyOriginStatusSchema = z.object({
  /** Whether a key is stored (keychain or environment); without one there is nothing to confirm. */
  keySet: z.boolean(),
  /** `scheme://host:port` of the URL in effect now (settings, else the environment); null if it doesn't parse. */
  currentOrigin: z.string().nullable(),
  /** The origin the user confirmed the key for; null when none is on record. */
  confirmedOrigin: z.string().nullable(),
  /** The key is stored and the current origin is not the confirmed one: Kiln will not send it. */
  needsConfirm: z.boolean(),
  /** The record of confirmed origins could not be read (it is kept aside when the user confirms). */
  recordDamaged: z.boolean(),
});
export type KeyOriginStatus = z.infer<typeof keyOriginStatusSchema>;

/** The origin the user saw in the warning; refused if the address changed meanwhile. */
export const confirmOriginInputSchema = z.object({ origin: z.string().trim().min(1).max(2048) }).strict();
