import { DateTime } from 'luxon';
import { fromWallClock, intervalsOn, type OpeningInterval } from './slots';
import { clock, day, type Language } from './speech';

/**
 * What the voice agent knows when the phone rings (Retell's inbound webhook): the date and time
 * in the company's zone, said the way people say them, whether and when it is open today, what
 * it offers and who works there, who is calling — and whether it may hand the caller to a person
 * now. Every value a string (Retell's dynamic variables are strings).
 */
export type InboundFacts = {
  company: {
    name: string;
    slug: string | null;
    timezone: string;
    language: Language;
    openingHours: OpeningInterval[];
    afterHoursAgentId: string | null;
    forwardingNumber: string | null;
    forwardDuringOpeningHoursOnly: boolean;
  };
  now: number;
  services: string[];
  staff: string[];
  /** Company-wide closures overlapping today (holidays, training days). */
  closures: Array<{ start: number; end: number; reason: string | null }>;
  customer: {
    name: string | null;
    next: { start: number; service: string | null; staff: string | null } | null;
  } | null;
};

const join = (items: string[], language: Language) =>
  items.length <= 1
    ? items.join('')
    : `${items.slice(0, -1).join(', ')} ${language === 'de' ? 'und' : 'and'} ${items[items.length - 1]}`;

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Today's opening intervals as instants, the closures cut out of them. */
const openToday = (facts: InboundFacts) => {
  const { timezone, openingHours } = facts.company;
  const today = DateTime.fromMillis(facts.now, { zone: timezone }).startOf('day');
  return intervalsOn(today.weekday, openingHours).map((interval) => ({
    start: fromWallClock(today, interval.opens, timezone).toMillis(),
    end: fromWallClock(today, interval.closes, timezone).toMillis(),
    opens: hhmm(interval.opens),
    closes: hhmm(interval.closes),
  }));
};

export const isOpenAt = (facts: InboundFacts, at: number) =>
  openToday(facts).some((interval) => interval.start <= at && at < interval.end) &&
  !facts.closures.some((closure) => closure.start <= at && at < closure.end);

const hoursSentence = (facts: InboundFacts) => {
  const { language } = facts.company;
  const intervals = openToday(facts);
  const closure = facts.closures.find((item) =>
    intervals.some((interval) => item.start <= interval.start && item.end >= interval.end)
  );
  if (!intervals.length || closure)
    return language === 'de'
      ? `Heute ist geschlossen${closure?.reason ? ` (${closure.reason})` : ''}.`
      : `Closed today${closure?.reason ? ` (${closure.reason})` : ''}.`;
  const spans = intervals.map((interval) =>
    language === 'de'
      ? `von ${interval.opens} bis ${interval.closes}`
      : `from ${interval.opens} to ${interval.closes}`
  );
  return language === 'de'
    ? `Heute geöffnet ${join(spans, 'de')} Uhr.`
    : `Open today ${join(spans, 'en')}.`;
};

const nextSentence = (facts: InboundFacts) => {
  const next = facts.customer?.next;
  if (!next) return '';
  const { language, timezone } = facts.company;
  const at = DateTime.fromMillis(next.start, { zone: timezone });
  const year =
    at.year !== DateTime.fromMillis(facts.now, { zone: timezone }).year ? ` ${at.year}` : '';
  const when =
    language === 'de'
      ? `${day(at, 'de')}${year} um ${clock(at)} Uhr`
      : `${day(at, 'en')}${year} at ${clock(at)}`;
  const what = next.service ? (language === 'de' ? `: ${next.service}` : `: ${next.service}`) : '';
  const who = next.staff ? (language === 'de' ? ` bei ${next.staff}` : ` with ${next.staff}`) : '';
  return `${when}${what}${who}`;
};

export const inboundVariables = (facts: InboundFacts) => {
  const { company, now } = facts;
  const local = DateTime.fromMillis(now, { zone: company.timezone }).setLocale(company.language);
  const open = isOpenAt(facts, now);
  const forwarding =
    company.forwardingNumber && (open || !company.forwardDuringOpeningHoursOnly)
      ? company.forwardingNumber
      : '';
  const dynamic: Record<string, string> = {
    company_name: company.name,
    current_date:
      company.language === 'de'
        ? local.toFormat('cccc, d. LLLL yyyy')
        : local.toFormat('cccc, LLLL d, yyyy'),
    current_date_iso: local.toISODate() as string,
    current_time: local.toFormat('HH:mm'),
    timezone: company.timezone,
    opening_hours_today: hoursSentence(facts),
    open_now: String(open),
    services: facts.services.join(', '),
    staff_names: join(facts.staff, company.language),
    customer_known: String(!!facts.customer),
    customer_name: facts.customer?.name ?? '',
    next_appointment: nextSentence(facts),
    forwarding_number: forwarding,
  };
  return {
    dynamic_variables: dynamic,
    metadata: { company: company.slug ?? '', source: 'inbound_webhook' },
    ...(!open && company.afterHoursAgentId ? { override_agent_id: company.afterHoursAgentId } : {}),
  };
};
