import type { DateTime } from 'luxon';
import { escapeHtml, paragraph } from '../domain/html';
import { moment, type Language } from '../domain/speech';
import { displayPhone } from '../domain/phone';

/**
 * The customer's pages behind their link (`/termin/<token>`), server-rendered HTML: no script,
 * one small stylesheet, readable on a phone. Pure: what to show comes in, the document goes out;
 * every fact is escaped.
 */
export type PageCompany = {
  name: string;
  phoneNumber: string | null;
  address: string | null;
  cancellationDeadlineHours: number;
};
export type PageAppointment = {
  start: DateTime;
  service: string;
  staff: string | null;
  state: 'live' | 'cancelled' | 'begun';
};
export type SlotChoice = { start: DateTime; staffId: number; staff: string | null };
export type Notice = 'moved' | 'cancelled' | 'taken' | 'too-late' | null;

const TEXT = {
  de: {
    title: 'Ihr Termin',
    with: 'bei',
    address: 'Adresse',
    phone: 'Telefon',
    move: 'Termin verschieben',
    cancel: 'Termin absagen',
    cancelSure: 'Möchten Sie diesen Termin wirklich absagen?',
    cancelYes: 'Ja, absagen',
    back: 'Zurück',
    cancelled: 'Dieser Termin ist abgesagt.',
    begun: 'Dieser Termin hat bereits begonnen.',
    rebook: 'Für einen neuen Termin rufen Sie uns gern an',
    deadline: (hours: number) =>
      `Änderungen sind online bis ${hours} Stunden vor dem Termin möglich. Bitte rufen Sie uns an`,
    call: 'Anrufen',
    chooseTime: 'Neue Uhrzeit wählen',
    sameStaff: (name: string) => `Bei ${name}`,
    otherStaff: 'Bei jemand anderem aus dem Team',
    freeTimes: 'Freie Zeiten',
    noneFree: 'An diesem Tag ist leider nichts frei.',
    previous: '‹ Vortag',
    next: 'Folgetag ›',
    notice: {
      moved: 'Ihr Termin ist verschoben. Eine neue Bestätigung ist unterwegs.',
      cancelled: 'Ihr Termin ist abgesagt. Eine Bestätigung ist unterwegs.',
      taken: 'Diese Zeit ist leider nicht mehr frei. Bitte wählen Sie eine andere.',
      'too-late': 'Für Änderungen ist es jetzt zu spät. Bitte rufen Sie uns an.',
    },
    optOutTitle: 'Erinnerungen abbestellen',
    optOutAsk: 'Möchten Sie keine Erinnerungen an Ihre Termine mehr erhalten?',
    optOutYes: 'Keine Erinnerungen mehr',
    optedOut: 'Sie erhalten keine Erinnerungen mehr. Ihre Termine bleiben bestehen.',
    missingTitle: 'Link nicht gültig',
    missing:
      'Dieser Link ist nicht (mehr) gültig: Er ist abgelaufen, unvollständig oder der Termin wurde inzwischen geändert. Den aktuellen Link finden Sie in unserer letzten Nachricht an Sie.',
    limitedTitle: 'Zu viele Anfragen',
    limited: 'Bitte versuchen Sie es in einer Minute noch einmal.',
    badTitle: 'Das hat nicht geklappt',
    bad: 'Die Anfrage war unvollständig. Bitte versuchen Sie es noch einmal.',
    otherLanguage: 'English',
  },
  en: {
    title: 'Your appointment',
    with: 'with',
    address: 'Address',
    phone: 'Phone',
    move: 'Move appointment',
    cancel: 'Cancel appointment',
    cancelSure: 'Do you really want to cancel this appointment?',
    cancelYes: 'Yes, cancel it',
    back: 'Back',
    cancelled: 'This appointment is cancelled.',
    begun: 'This appointment has already begun.',
    rebook: 'For a new appointment, give us a call',
    deadline: (hours: number) =>
      `Changes online are possible until ${hours} hours before the appointment. Please call us`,
    call: 'Call',
    chooseTime: 'Choose a new time',
    sameStaff: (name: string) => `With ${name}`,
    otherStaff: 'With someone else from the team',
    freeTimes: 'Free times',
    noneFree: 'Nothing is free on this day, sorry.',
    previous: '‹ Day before',
    next: 'Day after ›',
    notice: {
      moved: 'Your appointment is moved. A new confirmation is on its way.',
      cancelled: 'Your appointment is cancelled. A confirmation is on its way.',
      taken: 'That time is no longer free, sorry. Please choose another.',
      'too-late': 'It is too late for changes now. Please call us.',
    },
    optOutTitle: 'Stop reminders',
    optOutAsk: 'Do you want to stop receiving reminders of your appointments?',
    optOutYes: 'Stop reminders',
    optedOut: 'You will receive no more reminders. Your appointments stay as they are.',
    missingTitle: 'Link not valid',
    missing:
      'This link is not valid (any more): it has expired, is incomplete, or the appointment has changed since. You find the current link in our latest message to you.',
    limitedTitle: 'Too many requests',
    limited: 'Please try again in a minute.',
    badTitle: 'That did not work',
    bad: 'The request was incomplete. Please try again.',
    otherLanguage: 'Deutsch',
  },
} as const;

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f5f5f7;color:#1d1d1f;line-height:1.45}
main{max-width:34rem;margin:0 auto;padding:1.25rem}
h1{font-size:1.4rem;margin:.25rem 0 1rem}h2{font-size:1.05rem;margin:1.25rem 0 .5rem}
.card{background:#fff;border-radius:12px;padding:1rem 1.1rem;box-shadow:0 1px 3px rgba(0,0,0,.08);margin-bottom:1rem}
.when{font-size:1.15rem;font-weight:600}.muted{color:#555}
.notice{background:#e8f5e9;border-left:4px solid #2e7d32;padding:.75rem 1rem;border-radius:8px;margin-bottom:1rem}
.notice.warn{background:#fff3e0;border-color:#ef6c00}
form{display:inline}button,.button{font:inherit;border:0;border-radius:10px;padding:.7rem 1rem;margin:.25rem .25rem .25rem 0;cursor:pointer;text-decoration:none;display:inline-block}
.primary{background:#1d4ed8;color:#fff}.danger{background:#b91c1c;color:#fff}.plain{background:#e5e7eb;color:#111}
.slots{display:flex;flex-wrap:wrap;gap:.4rem}.slots button{background:#fff;border:1px solid #1d4ed8;color:#1d4ed8;min-width:5.2rem;margin:0}
.days{display:flex;justify-content:space-between;align-items:center;gap:.5rem;text-align:center}.days .button{white-space:nowrap;padding:.55rem .7rem;font-size:.9rem}
footer{font-size:.85rem;color:#666;margin-top:1.5rem}a{color:#1d4ed8}
`;

export const layout = (language: Language, title: string, body: string[], footer = ''): string =>
  [
    '<!doctype html>',
    `<html lang="${language}"><head><meta charset="utf-8">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex, nofollow">',
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>`,
    `<body><main><h1>${escapeHtml(title)}</h1>`,
    ...body,
    footer ? `<footer>${footer}</footer>` : '',
    '</main></body></html>',
  ].join('\n');

const telHref = (phone: string) =>
  `tel:${[...phone].filter((c) => '+0123456789'.includes(c)).join('')}`;
const callUs = (language: Language, company: PageCompany, lead: string) =>
  company.phoneNumber
    ? `<p>${escapeHtml(lead)}: <a class="button primary" href="${escapeHtml(telHref(company.phoneNumber))}">${escapeHtml(displayPhone(company.phoneNumber))}</a></p>`
    : paragraph(`${lead}.`);

const clock = (at: DateTime) => at.toFormat('HH:mm');
const dayTitle = (day: DateTime, language: Language) =>
  day.setLocale(language).toFormat(language === 'de' ? 'cccc, d. LLLL yyyy' : 'cccc, LLLL d, yyyy');

const summary = (language: Language, company: PageCompany, appointment: PageAppointment) => {
  const t = TEXT[language];
  return [
    '<div class="card">',
    `<div class="when">${escapeHtml(moment(appointment.start, language))}</div>`,
    `<div>${escapeHtml(appointment.service)}${appointment.staff ? ` ${t.with} ${escapeHtml(appointment.staff)}` : ''}</div>`,
    `<div class="muted">${escapeHtml(company.name)}</div>`,
    company.address ? `<div class="muted">${t.address}: ${escapeHtml(company.address)}</div>` : '',
    company.phoneNumber
      ? `<div class="muted">${t.phone}: <a href="${escapeHtml(telHref(company.phoneNumber))}">${escapeHtml(displayPhone(company.phoneNumber))}</a></div>`
      : '',
    '</div>',
  ].join('\n');
};

const noticeOf = (language: Language, notice: Notice) =>
  notice
    ? `<div class="notice${notice === 'taken' || notice === 'too-late' ? ' warn' : ''}" role="status">${escapeHtml(TEXT[language].notice[notice])}</div>`
    : '';

export type Links = { self: string; move: string; cancel: string; language: string };

const languageLink = (language: Language, links: Links) =>
  `<a href="${escapeHtml(links.language)}">${TEXT[language].otherLanguage}</a>`;

/** The appointment, and what the customer may do about it now. */
export const appointmentPage = (p: {
  language: Language;
  company: PageCompany;
  appointment: PageAppointment;
  changeable: boolean;
  notice: Notice;
  links: Links;
}): string => {
  const t = TEXT[p.language];
  const body = [noticeOf(p.language, p.notice), summary(p.language, p.company, p.appointment)];
  if (p.appointment.state === 'cancelled')
    body.push(paragraph(t.cancelled), callUs(p.language, p.company, t.rebook));
  else if (p.appointment.state === 'begun') body.push(paragraph(t.begun));
  else if (p.changeable)
    body.push(
      `<p><a class="button primary" href="${escapeHtml(p.links.move)}">${t.move}</a>`,
      `<a class="button plain" href="${escapeHtml(p.links.cancel)}">${t.cancel}</a></p>`
    );
  else body.push(callUs(p.language, p.company, t.deadline(p.company.cancellationDeadlineHours)));
  return layout(p.language, t.title, body, languageLink(p.language, p.links));
};

/** "Really cancel?" — a GET never changes anything (mail scanners open links). */
export const cancelPage = (p: {
  language: Language;
  company: PageCompany;
  appointment: PageAppointment;
  links: Links;
}): string => {
  const t = TEXT[p.language];
  return layout(
    p.language,
    t.cancel,
    [
      summary(p.language, p.company, p.appointment),
      paragraph(t.cancelSure),
      `<form method="post" action="${escapeHtml(p.links.cancel)}"><button class="danger" type="submit">${t.cancelYes}</button></form>`,
      `<a class="button plain" href="${escapeHtml(p.links.self)}">${t.back}</a>`,
    ],
    languageLink(p.language, p.links)
  );
};

/** The free times of one day: with the same staff member first, then with the others. */
export const movePage = (p: {
  language: Language;
  company: PageCompany;
  appointment: PageAppointment;
  day: DateTime;
  same: SlotChoice[];
  others: SlotChoice[];
  notice: Notice;
  links: Links & { previousDay: string | null; nextDay: string | null };
}): string => {
  const t = TEXT[p.language];
  const slotForm = (slot: SlotChoice, label: string) =>
    [
      `<form method="post" action="${escapeHtml(p.links.move)}">`,
      `<input type="hidden" name="start" value="${slot.start.toMillis()}">`,
      `<input type="hidden" name="staff" value="${slot.staffId}">`,
      `<button type="submit" data-start="${escapeHtml(slot.start.toISO())}">${escapeHtml(label)}</button></form>`,
    ].join('');
  const group = (title: string, slots: SlotChoice[], named: boolean) =>
    slots.length
      ? [
          `<h2>${escapeHtml(title)}</h2>`,
          '<div class="slots">',
          ...slots.map((slot) =>
            slotForm(
              slot,
              named && slot.staff ? `${clock(slot.start)} · ${slot.staff}` : clock(slot.start)
            )
          ),
          '</div>',
        ].join('\n')
      : '';
  const nav = [
    '<div class="days">',
    p.links.previousDay
      ? `<a class="button plain" href="${escapeHtml(p.links.previousDay)}">${t.previous}</a>`
      : '<span></span>',
    `<strong>${escapeHtml(dayTitle(p.day, p.language))}</strong>`,
    p.links.nextDay
      ? `<a class="button plain" href="${escapeHtml(p.links.nextDay)}">${t.next}</a>`
      : '<span></span>',
    '</div>',
  ].join('\n');
  const slots =
    p.same.length || p.others.length
      ? [
          group(
            p.appointment.staff ? t.sameStaff(p.appointment.staff) : t.freeTimes,
            p.same,
            false
          ),
          group(t.otherStaff, p.others, true),
        ]
      : [paragraph(t.noneFree)];
  return layout(
    p.language,
    t.chooseTime,
    [
      noticeOf(p.language, p.notice),
      summary(p.language, p.company, p.appointment),
      nav,
      ...slots,
      `<p><a class="button plain" href="${escapeHtml(p.links.self)}">${t.back}</a></p>`,
    ],
    languageLink(p.language, p.links)
  );
};

export const optOutPage = (p: {
  language: Language;
  company: PageCompany;
  done: boolean;
  action: string;
}): string => {
  const t = TEXT[p.language];
  return layout(p.language, t.optOutTitle, [
    `<p class="muted">${escapeHtml(p.company.name)}</p>`,
    p.done
      ? `<div class="notice" role="status">${escapeHtml(t.optedOut)}</div>`
      : [
          paragraph(t.optOutAsk),
          `<form method="post" action="${escapeHtml(p.action)}"><button class="primary" type="submit">${t.optOutYes}</button></form>`,
        ].join('\n'),
  ]);
};

/** A wrong, expired or used-up link; with the company's number when the link names one. */
export const missingPage = (language: Language, company: PageCompany | null): string => {
  const t = TEXT[language];
  return layout(language, t.missingTitle, [
    paragraph(t.missing),
    company ? `<p class="muted">${escapeHtml(company.name)}</p>` : '',
    company ? callUs(language, company, t.rebook) : '',
  ]);
};

export const problemPage = (language: Language, kind: 'limited' | 'bad'): string => {
  const t = TEXT[language];
  return kind === 'limited'
    ? layout(language, t.limitedTitle, [paragraph(t.limited)])
    : layout(language, t.badTitle, [paragraph(t.bad)]);
};
