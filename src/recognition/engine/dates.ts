// ISO calendar dates (YYYY-MM-DD) compared as strings: lexical order is date order.

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parts(date: string): [number, number, number] {
  const m = ISO_DATE.exec(date);
  if (!m) throw new RangeError(`not an ISO date: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/** Shifts a date by whole months, clamping the day (31 Mar − 1 month = 28/29 Feb). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = parts(date);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(Math.min(d, daysIn(year, month)), 2)}`;
}

export const addYears = (date: string, years: number): string => addMonths(date, years * 12);

/** True when `date` lies in [from, to], `to` absent meaning open-ended. */
export function withinDates(date: string, from: string, to?: string | null): boolean {
  return from <= date && (to === undefined || to === null || date <= to);
}
