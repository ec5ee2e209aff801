/** All code asks a Clock for the time, so tests can move it (deadlines, retention, salts). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock for tests: starts at a given instant and moves only when told. */
export class ManualClock implements Clock {
  private current: number;
  constructor(start: Date | string = "2026-11-27T09:00:00Z") {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(to: Date | string): void {
    this.current = new Date(to).getTime();
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

export const TIME_ZONE = "Europe/Berlin";

const berlinParts = new Intl.DateTimeFormat("en-CA", {
  timeZone: TIME_ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

/** The calendar date and wall time in Europe/Berlin of an instant. */
export function berlinDateTime(at: Date): { date: string; hour: number; minute: number; second: number } {
  const p: Record<string, string> = {};
  for (const part of berlinParts.formatToParts(at)) p[part.type] = part.value;
  return { date: `${p.year}-${p.month}-${p.day}`, hour: Number(p.hour), minute: Number(p.minute), second: Number(p.second) };
}

/** The UTC instant of a Europe/Berlin wall time (handles DST; a wall time in the spring gap moves forward). */
export function berlinToInstant(date: string, hour = 0, minute = 0): Date {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  let guess = Date.UTC(y, m - 1, d, hour, minute);
  for (let i = 0; i < 3; i++) {
    const wall = berlinDateTime(new Date(guess));
    const [wy, wm, wd] = wall.date.split("-").map(Number) as [number, number, number];
    const wallMs = Date.UTC(wy, wm - 1, wd, wall.hour, wall.minute);
    const wantMs = Date.UTC(y, m - 1, d, hour, minute);
    if (wallMs === wantMs) break;
    guess += wantMs - wallMs;
  }
  return new Date(guess);
}

const dateFormat = new Intl.DateTimeFormat("de-DE", { timeZone: TIME_ZONE, day: "2-digit", month: "2-digit", year: "numeric" });
const dateTimeFormat = new Intl.DateTimeFormat("de-DE", {
  timeZone: TIME_ZONE,
  day: "2-digit",
  month: "2-digit",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});

export function formatDate(at: Date | string): string {
  return dateFormat.format(new Date(at));
}

export function formatDateTime(at: Date | string): string {
  return `${dateTimeFormat.format(new Date(at))} Uhr`;
}
