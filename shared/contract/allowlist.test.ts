import { describe, expect, it } from 'vitest';
import { allowedChannels, allowedEvents } from './allowlist';
import { endpoints, events } from './index';

describe('preload allowlist', () => {
  it('covers every contract endpoint and nothing else', () => {
    expect([...allowedChannels].sort()).toEqual(Object.keys(endpoints).sort());
  });
  it('covers every contract event and nothing else', () => {
    expect([...allowedEvents].sort()).toEqual(Object.keys(events).sort());
  });
  it('uses each channel name exactly as its endpoint declares it', () => {
    for (const [key, def] of Object.entries(endpoints)) expect(def.channel).toBe(key);
    for (const [key, def] of Object.entries(events)) expect(def.name).toBe(key);
  });
});
