import { describe, expect, it } from 'vitest';
import { isTimeZone, releaseAt } from '../../../core/delivery/release-time.ts';

describe('releaseAt', () => {
  it('releases offset 0 at once and later lessons at the morning hour in the community’s zone', () => {
    const started = new Date('2026-03-02T15:30:00Z'); // 23:30 in Shanghai, still March 2 there
    expect(releaseAt(started, 0, 'Asia/Shanghai', 9)).toEqual(started);
    expect(releaseAt(started, 2, 'Asia/Shanghai', 9).toISOString()).toBe('2026-03-04T01:00:00.000Z'); // 09:00 +08:00
    // The same instant is already March 3 in Tokyo: two days later is March 5 there.
    expect(releaseAt(new Date('2026-03-02T15:30:00Z'), 2, 'Asia/Tokyo', 9).toISOString()).toBe('2026-03-05T00:00:00.000Z');
  });

  it('keeps the morning across daylight saving, both ways', () => {
    // New York springs forward on 2026-03-08 and falls back on 2026-11-01.
    expect(releaseAt(new Date('2026-03-06T14:00:00Z'), 5, 'America/New_York', 8).toISOString()).toBe('2026-03-11T12:00:00.000Z'); // 08:00 EDT
    expect(releaseAt(new Date('2026-03-06T14:00:00Z'), 1, 'America/New_York', 8).toISOString()).toBe('2026-03-07T13:00:00.000Z'); // 08:00 EST
    expect(releaseAt(new Date('2026-10-30T14:00:00Z'), 3, 'America/New_York', 8).toISOString()).toBe('2026-11-02T13:00:00.000Z'); // 08:00 EST
    expect(releaseAt(new Date('2026-03-27T10:00:00Z'), 3, 'Europe/Berlin', 9).toISOString()).toBe('2026-03-30T07:00:00.000Z'); // 09:00 CEST
  });

  it('releases an hour skipped by daylight saving at the first instant after the gap', () => {
    // Berlin jumps from 02:00 to 03:00 on 2026-03-29: a 02:00 release happens at 03:00 CEST (01:00 UTC).
    expect(releaseAt(new Date('2026-03-28T10:00:00Z'), 1, 'Europe/Berlin', 2).toISOString()).toBe('2026-03-29T01:00:00.000Z');
    // 02:00 happens twice on 2026-10-25 in Berlin: the first one (CEST) is the release.
    expect(releaseAt(new Date('2026-10-24T10:00:00Z'), 1, 'Europe/Berlin', 2).toISOString()).toBe('2026-10-25T00:00:00.000Z');
  });

  it('crosses months and years on the zone’s calendar', () => {
    expect(releaseAt(new Date('2026-12-30T12:00:00Z'), 5, 'UTC', 9).toISOString()).toBe('2027-01-04T09:00:00.000Z');
  });

  it('knows IANA zones and refuses others', () => {
    expect(isTimeZone('Asia/Shanghai')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});
