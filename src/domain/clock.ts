// One clock for the whole process. REISSUE_NOW pins it, for the embedded sandbox portal only,
// so a walkthrough can show what happens after the 14 days.
import { usageError } from './errors.js';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(at: Date): Clock {
  return { now: () => new Date(at.getTime()) };
}

/** Parses REISSUE_NOW; undefined/empty means the system clock. */
export function clockFromEnv(value: string | undefined): Clock {
  if (!value) return systemClock;
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) {
    throw usageError('bad-reissue-now', `REISSUE_NOW is not an ISO 8601 date: "${value}".`, 'Use a value like 2026-12-08T12:00:00Z, or unset it.');
  }
  return fixedClock(at);
}
