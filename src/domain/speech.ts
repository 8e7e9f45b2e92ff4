import { DateTime } from 'luxon';

/**
 * What the voice agent says back, in the company's language: short, natural sentences with
 * dates the way people say them ("Donnerstag, 12. März um 10:30 Uhr").
 */
export type Language = 'de' | 'en';

const list = (items: string[], language: Language, last = language === 'de' ? 'und' : 'and') =>
  items.length <= 1
    ? items.join('')
    : `${items.slice(0, -1).join(', ')} ${last} ${items[items.length - 1]}`;

export const day = (at: DateTime, language: Language) =>
  language === 'de'
    ? at.setLocale('de').toFormat('cccc, d. LLLL')
    : at.setLocale('en').toFormat('cccc, LLLL d');

export const clock = (at: DateTime) => at.toFormat('HH:mm');

export const moment = (at: DateTime, language: Language) =>
  language === 'de' ? `${day(at, 'de')} um ${clock(at)} Uhr` : `${day(at, 'en')} at ${clock(at)}`;

const times = (slots: DateTime[], language: Language, last?: string) =>
  `${list(slots.map(clock), language, last)}${language === 'de' ? ' Uhr' : ''}`;

const FIELD_NAMES: Record<Language, Record<string, string>> = {
  de: {
    service: 'die gewünschte Leistung',
    date: 'das Datum',
    time: 'die Uhrzeit',
    customer_name: 'den Namen',
    phone: 'eine Rückrufnummer',
    appointment: 'welchen Termin',
    reason: 'das Anliegen',
  },
  en: {
    service: 'the service',
    date: 'the date',
    time: 'the time',
    customer_name: 'the name',
    phone: 'a phone number',
    appointment: 'which appointment',
    reason: 'what it is about',
  },
};

export const say = {
  /** " Frei wären am Donnerstag … 10:00 oder 10:30 Uhr." — nothing when there is nothing to offer. */
  offer: (language: Language, alternatives: DateTime[], staff?: string | null) =>
    alternatives.length
      ? language === 'de'
        ? ` Frei wären ${staff ? `bei ${staff} ` : ''}am ${day(alternatives[0], 'de')} ${times(alternatives, 'de', 'oder')}.`
        : ` ${staff ? `${staff} is free` : 'Free'} on ${day(alternatives[0], 'en')}: ${times(alternatives, 'en', 'or')}.`
      : '',

  available: (language: Language, date: DateTime, slots: DateTime[], staff?: string | null) =>
    language === 'de'
      ? `${day(date, 'de')}: ${staff ? `bei ${staff} ` : ''}frei um ${times(slots, 'de')}.`
      : `${day(date, 'en')}: ${staff ? `${staff} is ` : ''}free at ${times(slots, 'en')}.`,

  nothingFree: (language: Language, date: DateTime, next: DateTime[], staff?: string | null) => {
    if (language === 'de') {
      const head = staff
        ? `Am ${day(date, 'de')} hat ${staff} leider keinen Termin frei.`
        : `Am ${day(date, 'de')} ist leider nichts frei.`;
      return next.length
        ? `${head} Am ${day(next[0], 'de')} wäre ${staff ? `bei ${staff} ` : ''}um ${times(next, 'de', 'oder')} frei.`
        : `${head} In den nächsten zwei Wochen ist ${staff ? `bei ${staff} ` : ''}leider kein Termin frei.`;
    }
    const head = staff
      ? `Sorry, ${staff} has nothing free on ${day(date, 'en')}.`
      : `Sorry, ${day(date, 'en')} is fully booked.`;
    return next.length
      ? `${head} On ${day(next[0], 'en')} ${staff ? `${staff} has` : 'we have'} ${times(next, 'en', 'or')}.`
      : `${head} Nothing is free${staff ? ` with ${staff}` : ''} in the next two weeks.`;
  },

  booked: (
    language: Language,
    service: string,
    name: string | null,
    start: DateTime,
    staff?: string | null
  ) =>
    language === 'de'
      ? `Gebucht: ${service}${name ? ` für ${name}` : ''}${staff ? ` bei ${staff}` : ''} am ${moment(start, 'de')}.`
      : `Booked: ${service}${name ? ` for ${name}` : ''}${staff ? ` with ${staff}` : ''} on ${moment(start, 'en')}.`,

  refused: (
    language: Language,
    reason: string,
    start: DateTime | null,
    alternatives: DateTime[],
    staff?: string | null
  ) => {
    const offer = say.offer(language, alternatives, staff);
    const de: Record<string, string> = {
      taken: start
        ? `Um ${clock(start)} Uhr ist am ${day(start, 'de')} ${staff ? `bei ${staff} ` : ''}leider schon vergeben.`
        : 'Dieser Termin ist leider schon vergeben.',
      unavailable: staff
        ? `${staff} arbeitet zu dieser Zeit leider nicht.`
        : 'Zu dieser Zeit ist leider niemand da, der das machen kann.',
      closed: 'Zu dieser Zeit haben wir leider geschlossen.',
      past: 'Dieser Zeitpunkt liegt in der Vergangenheit.',
      off_grid: start
        ? `Um ${clock(start)} Uhr kann leider kein Termin beginnen.`
        : 'Zu dieser Uhrzeit kann leider kein Termin beginnen.',
      invalid: 'Das Datum habe ich leider nicht verstanden.',
    };
    const en: Record<string, string> = {
      taken: start
        ? `Sorry, ${clock(start)} on ${day(start, 'en')} is already taken${staff ? ` with ${staff}` : ''}.`
        : 'Sorry, that time is already taken.',
      unavailable: staff
        ? `Sorry, ${staff} does not work at that time.`
        : 'Sorry, nobody who can do that is in at that time.',
      closed: 'Sorry, we are closed at that time.',
      past: 'That time is in the past.',
      off_grid: start
        ? `Sorry, an appointment cannot start at ${clock(start)}.`
        : 'Sorry, an appointment cannot start at that time.',
      invalid: 'Sorry, I did not understand the date.',
    };
    return `${(language === 'de' ? de : en)[reason] ?? (language === 'de' ? de.invalid : en.invalid)}${offer}`;
  },

  missing: (language: Language, fields: string[]) =>
    language === 'de'
      ? `Dafür brauche ich noch ${list(
          fields.map((field) => FIELD_NAMES.de[field] ?? field),
          'de'
        )}.`
      : `I still need ${list(
          fields.map((field) => FIELD_NAMES.en[field] ?? field),
          'en'
        )}.`,

  unknownService: (language: Language, offered: string[]) =>
    language === 'de'
      ? `Diese Leistung bieten wir nicht an. Möglich sind: ${list(offered, 'de')}.`
      : `We do not offer that. We offer: ${list(offered, 'en')}.`,

  cancelled: (language: Language, start: DateTime) =>
    language === 'de'
      ? `Der Termin am ${moment(start, 'de')} ist storniert.`
      : `Your appointment on ${moment(start, 'en')} is cancelled.`,

  rescheduled: (language: Language, from: DateTime, to: DateTime, staff?: string | null) =>
    language === 'de'
      ? `Der Termin ist verschoben: statt ${moment(from, 'de')} jetzt am ${moment(to, 'de')}${staff ? ` bei ${staff}` : ''}.`
      : `Your appointment is moved from ${moment(from, 'en')} to ${moment(to, 'en')}${staff ? ` with ${staff}` : ''}.`,

  /** A call-back request is noted (request_callback). */
  callbackNoted: (language: Language, preferred: string | null) =>
    language === 'de'
      ? `Gern, ich habe notiert, dass wir Sie zurückrufen${preferred ? ` (${preferred})` : ''}. Jemand aus dem Team meldet sich bei Ihnen.`
      : `Sure — I have noted that we will call you back${preferred ? ` (${preferred})` : ''}. Someone from the team will get in touch.`,

  /** What staff read in the email about a call-back request. */
  callbackNotice: (
    language: Language,
    facts: {
      company: string;
      caller: string | null;
      phone: string | null;
      reason: string;
      preferred: string | null;
    }
  ) =>
    language === 'de'
      ? {
          subject: `Rückruf erbeten: ${facts.caller ?? facts.phone ?? 'Anrufer'}`,
          text: [
            `${facts.caller ?? 'Ein Anrufer'} bittet ${facts.company} um Rückruf.`,
            `Telefon: ${facts.phone ?? 'unbekannt'}`,
            `Anliegen: ${facts.reason}`,
            facts.preferred ? `Wann: ${facts.preferred}` : null,
            '',
            'Im Admin unter Übersicht → Rückrufe als erledigt markieren.',
          ]
            .filter((line) => line !== null)
            .join('\n'),
        }
      : {
          subject: `Call-back requested: ${facts.caller ?? facts.phone ?? 'caller'}`,
          text: [
            `${facts.caller ?? 'A caller'} asks ${facts.company} to call back.`,
            `Phone: ${facts.phone ?? 'unknown'}`,
            `About: ${facts.reason}`,
            facts.preferred ? `When: ${facts.preferred}` : null,
            '',
            'Mark it done in the admin under Overview → Call-backs.',
          ]
            .filter((line) => line !== null)
            .join('\n'),
        },

  /** The caller named someone who does not work here (or we could not tell who). */
  unknownStaff: (language: Language, staff: string[]) =>
    language === 'de'
      ? `Bei uns arbeiten ${list(staff, 'de')} — bei wem möchten Sie?`
      : `Working here are ${list(staff, 'en')} — who would you like?`,

  /** The member asked for does not perform the service; these do. */
  staffNotOffering: (language: Language, staff: string, service: string, others: string[]) => {
    if (language === 'de') {
      const head = `${staff} bietet ${service} leider nicht an.`;
      return others.length
        ? `${head} ${service} ${others.length === 1 ? 'macht' : 'machen'} bei uns ${list(others, 'de', 'und')} — bei wem möchten Sie?`
        : head;
    }
    const head = `Sorry, ${staff} does not do ${service}.`;
    return others.length ? `${head} ${list(others, 'en')} can — who would you like?` : head;
  },

  /** A move the member of the appointment cannot take, while others could. */
  staffBusyOthersFree: (language: Language, staff: string, start: DateTime, others: string[]) =>
    language === 'de'
      ? `${staff} hat am ${moment(start, 'de')} leider keine Zeit. Bei ${list(others, 'de', 'oder')} wäre dann noch frei — soll ich den Termin zu ${others.length === 1 ? others[0] : others.length === 2 ? 'einem der beiden' : 'einem von ihnen'} verschieben, oder lieber eine andere Zeit bei ${staff}?`
      : `Sorry, ${staff} is not free on ${moment(start, 'en')}. ${list(others, 'en', 'or')} would be — shall I move the appointment to ${others.length === 1 ? others[0] : 'one of them'}, or find another time with ${staff}?`,

  noAppointment: (language: Language) =>
    language === 'de'
      ? 'Unter dieser Nummer finde ich keinen anstehenden Termin.'
      : 'I cannot find an upcoming appointment for this number.',

  whichAppointment: (language: Language, starts: DateTime[]) =>
    language === 'de'
      ? `Unter dieser Nummer gibt es mehrere Termine: ${list(
          starts.map((start) => moment(start, 'de')),
          'de'
        )}. Welchen meinen Sie?`
      : `There are several appointments for this number: ${list(
          starts.map((start) => moment(start, 'en')),
          'en'
        )}. Which one do you mean?`,

  cannotChangeWithoutCallerId: (language: Language) =>
    language === 'de'
      ? 'Ihre Rufnummer wird nicht übertragen, deshalb kann ich Termine am Telefon leider nicht ändern oder absagen. Gern notiere ich einen Rückruf, oder rufen Sie uns mit übertragener Nummer an.'
      : 'Your number is not being transmitted, so I cannot change or cancel appointments by phone. I can note a call-back for you, or please call us again with your number shown.',

  // Said the same whatever the number: whether it is a customer's is nobody's business here.
  unverifiedCaller: (language: Language) =>
    language === 'de'
      ? 'Ihre Rufnummer wird nicht übertragen, deshalb kann ich diesen Termin so leider nicht buchen. Gern notiere ich einen Rückruf, oder rufen Sie uns mit übertragener Nummer an.'
      : 'Your number is not being transmitted, so I cannot book this appointment this way. I can note a call-back for you, or please call us again with your number shown.',

  failed: (language: Language) =>
    language === 'de'
      ? 'Das hat gerade leider nicht geklappt. Bitte versuchen Sie es gleich noch einmal.'
      : 'Sorry, that did not work just now. Please try again in a moment.',
};
