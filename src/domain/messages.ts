import type { DateTime } from 'luxon';
import { moment, type Language } from './speech';

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
};

type Text = { subject: string; text: string };

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

export const renderEmail = (facts: MessageFacts): Text => {
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
  const where =
    facts.kind !== 'cancellation' && facts.company.address
      ? `\n\n${language === 'de' ? 'Adresse' : 'Address'}: ${facts.company.address}`
      : '';
  return {
    subject,
    text: `${greeting(language, facts.customerName)}\n\n${text}${where}${after}\n\n${closing(language, facts.company.name)}`,
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
  const texts: Record<MessageKind, string> = de
    ? {
        confirmation: `${company.name}: Termin bestätigt, ${when}, ${what}.${phone}`,
        update: `${company.name}: Termin verschoben auf ${when}, ${what}.${phone}`,
        cancellation: `${company.name}: Ihr Termin ${when} (${facts.service}) ist abgesagt.`,
        reminder: `${company.name}: Erinnerung an Ihren Termin ${when}, ${what}.${phone}`,
      }
    : {
        confirmation: `${company.name}: appointment confirmed, ${when}, ${what}.${phone}`,
        update: `${company.name}: appointment moved to ${when}, ${what}.${phone}`,
        cancellation: `${company.name}: your appointment ${when} (${facts.service}) is cancelled.`,
        reminder: `${company.name}: reminder of your appointment ${when}, ${what}.${phone}`,
      };
  return texts[facts.kind];
};
