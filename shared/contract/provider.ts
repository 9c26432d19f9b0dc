import { z } from 'zod';
import { defineEndpoint } from './core';
import { confirmOriginInputSchema, keyOriginStatusSchema } from './key-origin';

/** Base URLs of the provider presets (settings.provider.preset); `custom` has none. */
export const providerPresetUrls = {
  openai: 'https://api.openai.com/v1',
  ollama: 'http://localhost:11434/v1',
  lmstudio: 'http://localhost:1234/v1',
  openrouter: 'https://openrouter.ai/api/v1',
} as const;

export const testConnectionInputSchema = z
  .object({
    /** Test this URL instead of the saved one (the form may not be saved yet). */
    baseUrl: z.string().trim().min(1).max(2048).optional(),
  })
  .strict();

export const testConnectionOutputSchema = z.object({
  baseUrl: z.string(),
  /** Model ids the endpoint listed, sorted. */
  models: z.array(z.string()),
  /** Whether an API key was sent (from the keychain or the environment). */
  usedApiKey: z.boolean(),
});
export type TestConnectionResult = z.infer<typeof testConnectionOutputSchema>;

export const providerEndpoints = {
  'provider.testConnection': defineEndpoint('provider.testConnection', {
    input: testConnectionInputSchema.optional(),
    output: testConnectionOutputSchema,
  }),
  /** Where the stored provider key may go, against where the agent would send it now. */
  'provider.keyOrigin': defineEndpoint('provider.keyOrigin', { input: z.void(), output: keyOriginStatusSchema }),
  /** The user confirms the provider key may go to the current origin (Settings → Provider). */
  'provider.confirmOrigin': defineEndpoint('provider.confirmOrigin', { input: confirmOriginInputSchema, output: keyOriginStatusSchema }),
};
