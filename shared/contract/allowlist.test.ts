import { describe, expect, it } from 'vitest';
import { allowedChannels, allowedEvents, EVENT_CHANNEL } from './allowlist';
import { expectedChannels, expectedEvents } from './allowlist.expected';
import { endpoints, events } from './index';

const sorted = (names: Iterable<string>): string[] => [...names].sort();

describe('preload allowlist', () => {
  // A failure here after adding an endpoint or event is expected: add its name to
  // allowlist.expected.ts, on purpose, so widening what the page can reach is never silent.
  it('lets the page call exactly the hand-kept channel list', () => {
    expect(sorted(allowedChannels)).toEqual(sorted(expectedChannels));
    expect(sorted(Object.keys(endpoints))).toEqual(sorted(expectedChannels));
  });
  it('lets the page hear exactly the hand-kept event list', () => {
    expect(sorted(allowedEvents)).toEqual(sorted(expectedEvents));
    expect(sorted(Object.keys(events))).toEqual(sorted(expectedEvents));
  });
  it('uses each channel name exactly as its endpoint declares it', () => {
    for (const [key, def] of Object.entries(endpoints)) expect(def.channel).toBe(key);
    for (const [key, def] of Object.entries(events)) expect(def.name).toBe(key);
  });
  it('keeps the event carrier out of both lists', () => {
    expect(allowedChannels.has(EVENT_CHANNEL)).toBe(false);
    expect(allowedEvents.has(EVENT_CHANNEL)).toBe(false);
  });
});
