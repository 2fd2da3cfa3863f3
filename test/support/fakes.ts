import { pino } from 'pino';
import type { Clock } from '../../core/ports.ts';

export const silentLog = pino({ level: 'silent' });

/** A clock that stands still until moved. */
export class FakeClock implements Clock {
  constructor(private current = new Date('2026-11-24T12:00:00Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
  set(instant: Date): void {
    this.current = new Date(instant);
  }
}
