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
  company: { name: string; phoneNumber: string | null };
  customerName: string | null;
  service: string;
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
  const { subject, text } = BODY[language][facts.kind](facts, moment(facts.start, language));
  const after =
    facts.kind === 'cancellation' ? '' : ` ${call(language, facts.company.phoneNumber)}`;
  return {
    subject,
    text: `${greeting(language, facts.customerName)}\n\n${text}${after}\n\n${closing(language, facts.company.name)}`,
  };
};
