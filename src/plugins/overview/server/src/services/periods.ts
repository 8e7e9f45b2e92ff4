import { DateTime } from 'luxon';

/** The periods the overview reports on, as [from, to) instants and local days in a zone. */
export const PERIODS = ['today', '7d', '30d'] as const;
export type Period = (typeof PERIODS)[number];

export const periodRange = (period: Period, zone: string, now: number) => {
  const today = DateTime.fromMillis(now, { zone }).startOf('day');
  const days = period === 'today' ? 1 : period === '7d' ? 7 : 30;
  const from = today.minus({ days: days - 1 });
  const to = today.plus({ days: 1 });
  const dates: string[] = [];
  const starts: number[] = [];
  for (let day = from; day < to; day = day.plus({ days: 1 })) {
    dates.push(day.toISODate() as string);
    starts.push(day.toMillis());
  }
  /** Hours since the epoch (the SQL bucket) → the local date it falls on (null outside). */
  const dateOfHour = (hour: number): string | null => {
    const at = hour * 3_600_000;
    if (at < starts[0] || at >= to.toMillis()) return null;
    let index = starts.length - 1;
    while (index > 0 && starts[index] > at) index -= 1;
    return dates[index];
  };
  return { from, to, dates, dateOfHour };
};
