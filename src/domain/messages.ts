import type { DateTime } from 'luxon';
import { moment, type Language } from './speech';
import { escapeHtml, paragraph } from './html';
import { smsSegments } from './sms-segments';

/**
 * What a customer reads about their appointment, in the company's language: one text per kind of
 * change. Pure: the facts come in, subject and body go out.
 */
export type MessageKind = 'confirmation' | 'update' | 'cancellation' | 'reminder';

export type MessageFacts = {
  kind: MessageKind;
  language: Language;
  company: { name: string; phoneNumber: string | null; address?: string | null };
  customerName: string | null;
  service: string;
  /** The staff member, as the customer knows them (first name unless two share it). */
  staff?: string | null;
  start: DateTime;
  /** The customer's page for the appointment (see, move, cancel). */
  manageUrl?: string | null;
  /** A reminder's link to stop reminders. */
  optOutUrl?: string | null;
};

type Text = { subject: string; text: string };
export type Email = Text & { html: string };

const greeting = (language: Language, name: string | null) =>
  language === 'de' ? `Guten Tag${name ? ` ${name}` : ''},` : `Hello${name ? ` ${name}` : ''},`;
const call = (language: Language, phone: string | null) =>
  language === 'de'
    ? `Wenn Sie nicht kommen können, rufen Sie uns bitte kurz an${phone ? `: ${phone}` : ''}.`
    : `If you cannot make it, please give us a call${phone ? `: ${phone}` : ''}.`;
const closing = (language: Language, company: string) =>
  language === 'de' ? `Viele Grüße\n${company}\n` : `Kind regards\n${company}\n`;

const BODY: Record<Language, Record<MessageKind, (facts: MessageFacts, when: string) => Text>> = {
  de: {
    confirmation: ({ service, company }, when) => ({
      subject: `Terminbestätigung: ${service} am ${when}`,
      text: `Ihr Termin bei ${company.name} ist bestätigt:\n${service} am ${when}.\n\nDen Termin finden Sie auch im Anhang für Ihren Kalender.`,
    }),
    update: ({ service, company }, when) => ({
      subject: `Terminänderung: ${service} jetzt am ${when}`,
      text: `Ihr Termin bei ${company.name} wurde verschoben:\n${service} jetzt am ${when}.\n\nDer Termin im Anhang ersetzt den bisherigen in Ihrem Kalender.`,
    }),
    cancellation: ({ service, company }, when) => ({
      subject: `Termin abgesagt: ${service} am ${when}`,
      text: `Ihr Termin bei ${company.name} am ${when} (${service}) ist abgesagt.\n\nDer Anhang entfernt ihn aus Ihrem Kalender.`,
    }),
    reminder: ({ service, company }, when) => ({
      subject: `Erinnerung: ${service} am ${when}`,
      text: `wir erinnern Sie an Ihren Termin bei ${company.name}:\n${service} am ${when}.`,
    }),
  },
  en: {
    confirmation: ({ service, company }, when) => ({
      subject: `Appointment confirmed: ${service} on ${when}`,
      text: `your appointment at ${company.name} is confirmed:\n${service} on ${when}.\n\nThe attached invitation adds it to your calendar.`,
    }),
    update: ({ service, company }, when) => ({
      subject: `Appointment moved: ${service} now on ${when}`,
      text: `your appointment at ${company.name} has been moved:\n${service} now on ${when}.\n\nThe attached invitation replaces the old one in your calendar.`,
    }),
    cancellation: ({ service, company }, when) => ({
      subject: `Appointment cancelled: ${service} on ${when}`,
      text: `your appointment at ${company.name} on ${when} (${service}) is cancelled.\n\nThe attachment removes it from your calendar.`,
    }),
    reminder: ({ service, company }, when) => ({
      subject: `Reminder: ${service} on ${when}`,
      text: `this is a reminder of your appointment at ${company.name}:\n${service} on ${when}.`,
    }),
  },
};

const LINKS: Record<Language, Record<'manage' | 'cancelled' | 'optOut', string>> = {
  de: {
    manage: 'Termin ansehen, verschieben oder absagen',
    cancelled: 'Ihr Termin online',
    optOut: 'Keine Erinnerungen mehr erhalten',
  },
  en: {
    manage: 'See, move or cancel your appointment',
    cancelled: 'Your appointment online',
    optOut: 'Stop these reminders',
  },
};

/** The customer's email: the same words as plain text and as HTML (every fact escaped). */
export const renderEmail = (facts: MessageFacts): Email => {
  const { language } = facts;
  const service = facts.staff
    ? `${facts.service} ${language === 'de' ? 'bei' : 'with'} ${facts.staff}`
    : facts.service;
  const { subject, text } = BODY[language][facts.kind](
    { ...facts, service },
    moment(facts.start, language)
  );
  const after =
    facts.kind === 'cancellation' ? '' : ` ${call(language, facts.company.phoneNumber)}`;
  const address =
    facts.kind !== 'cancellation' && facts.company.address
      ? `${language === 'de' ? 'Adresse' : 'Address'}: ${facts.company.address}`
      : null;
  const labels = LINKS[language];
  const links = [
    facts.manageUrl
      ? {
          label: facts.kind === 'cancellation' ? labels.cancelled : labels.manage,
          url: facts.manageUrl,
        }
      : null,
    facts.kind === 'reminder' && facts.optOutUrl
      ? { label: labels.optOut, url: facts.optOutUrl }
      : null,
  ].filter((link): link is { label: string; url: string } => link !== null);
  const body = address ? [text, `${address}${after}`] : [`${text}${after}`];
  const signature = closing(language, facts.company.name);
  const greet = greeting(language, facts.customerName);
  return {
    subject,
    text: [greet, ...body, ...links.map((link) => `${link.label}: ${link.url}`), signature].join(
      '\n\n'
    ),
    html: [
      '<!doctype html><html><body style="font-family:sans-serif;line-height:1.5;color:#222">',
      paragraph(greet),
      ...body.map(paragraph),
      ...links.map(
        (link) => `<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>`
      ),
      paragraph(signature.trimEnd()),
      '</body></html>',
    ].join('\n'),
  };
};

/**
 * The text message of a change: one message where it fits (160 GSM-7 characters), so no
 * typographic dashes or quotes; the company, when, what and with whom, and how to reach them.
 */
export const renderSms = (facts: MessageFacts): string => {
  const { language, company } = facts;
  const de = language === 'de';
  const when = facts.start
    .setLocale(language)
    .toFormat(de ? "ccc dd.LL. HH:mm 'Uhr'" : 'ccc LLL d, HH:mm');
  const what = `${facts.service}${facts.staff ? (de ? ` bei ${facts.staff}` : ` with ${facts.staff}`) : ''}`;
  const phone = company.phoneNumber
    ? de
      ? ` Absage: ${company.phoneNumber}`
      : ` To cancel: ${company.phoneNumber}`
    : '';
  const link = facts.manageUrl
    ? (de ? ` Ändern/absagen: ` : ` Change/cancel: `) + facts.manageUrl
    : '';
  const texts = (tail: string): Record<MessageKind, string> =>
    de
      ? {
          confirmation: `${company.name}: Termin bestätigt, ${when}, ${what}.${tail}`,
          update: `${company.name}: Termin verschoben auf ${when}, ${what}.${tail}`,
          cancellation: `${company.name}: Ihr Termin ${when} (${facts.service}) ist abgesagt.`,
          reminder: `${company.name}: Erinnerung an Ihren Termin ${when}, ${what}.${tail}`,
        }
      : {
          confirmation: `${company.name}: appointment confirmed, ${when}, ${what}.${tail}`,
          update: `${company.name}: appointment moved to ${when}, ${what}.${tail}`,
          cancellation: `${company.name}: your appointment ${when} (${facts.service}) is cancelled.`,
          reminder: `${company.name}: reminder of your appointment ${when}, ${what}.${tail}`,
        };
  // The link (the customer can act on it) where it fits one message, else the number.
  const withLink = link ? texts(link)[facts.kind] : null;
  return withLink && smsSegments(withLink).segments === 1 ? withLink : texts(phone)[facts.kind];
};
