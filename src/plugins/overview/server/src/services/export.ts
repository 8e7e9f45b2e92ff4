import type { Core } from '@strapi/strapi';
import { PassThrough } from 'stream';
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { sqlHelpers } from './sql';
import type { Scope } from './figures';
import { readRaw } from '../../../../../support/read-replica';

/**
 * CSV exports of a period's appointments and calls, streamed in pages of 1,000 rows (by id, so
 * the memory stays flat at 100k rows and more). Made for a German spreadsheet: UTF-8 with a
 * byte-order mark (Excel otherwise guesses Windows-1252 and breaks umlauts), `;` as the
 * delimiter (Excel with German locale splits on it; `,` is the decimal separator), CRLF line
 * ends, "…" quoting where needed, times in the company's zone as `YYYY-MM-DD HH:mm`.
 */
const PAGE = 1000;
const BOM = '\uFEFF';

/**
 * A spreadsheet reads a cell that starts with = + - @ (or a tab or CR before them) as a formula —
 * and caller names and summaries come from a phone call's LLM. Such a cell gets a leading
 * apostrophe, which Excel and LibreOffice show as text and do not display (a phone number like
 * +4930… stays text, as it should).
 */
const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r']);

export const cell = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  const raw = String(value);
  const text = FORMULA_START.has(raw.charAt(0)) ? `'${raw}` : raw;
  return /[;"\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};
const line = (values: unknown[]) => `${values.map(cell).join(';')}\r\n`;

type Kind = 'appointments' | 'calls';
type Row = Record<string, unknown> & { id: number };

const COLUMNS: Record<Kind, { de: string[]; en: string[] }> = {
  appointments: {
    de: [
      'Beginn',
      'Ende',
      'Status',
      'Quelle',
      'Kunde',
      'Telefon',
      'E-Mail',
      'Leistung',
      'Notizen',
      'Bestätigung gesendet',
      'Firma',
    ],
    en: [
      'Start',
      'End',
      'State',
      'Source',
      'Customer',
      'Phone',
      'Email',
      'Service',
      'Notes',
      'Confirmation sent',
      'Company',
    ],
  },
  calls: {
    de: [
      'Beginn',
      'Dauer (s)',
      'Status',
      'Richtung',
      'Von',
      'An',
      'Kunde',
      'Ergebnis',
      'Zusammenfassung',
      'Stimmung',
      'Erfolgreich',
      'Aufnahme',
      'Firma',
    ],
    en: [
      'Start',
      'Duration (s)',
      'State',
      'Direction',
      'From',
      'To',
      'Customer',
      'Outcome',
      'Summary',
      'Sentiment',
      'Successful',
      'Recording',
      'Company',
    ],
  },
};

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  stream(
    kind: Kind,
    scope: Scope,
    { from, to, language }: { from: DateTime; to: DateTime; language: 'de' | 'en' }
  ) {
    const { at, millis } = sqlHelpers(strapi);
    const out = new PassThrough();
    const time = (ms: unknown) =>
      ms === null || ms === undefined
        ? ''
        : DateTime.fromMillis(Number(ms), { zone: scope.zone }).toFormat('yyyy-MM-dd HH:mm');
    const company =
      scope.companyId === null
        ? { clause: '', bindings: [] as Knex.RawBinding[] }
        : { clause: ' AND x.company_id = ?', bindings: [scope.companyId] };
    const page = async (afterId: number): Promise<Row[]> => {
      const text =
        kind === 'appointments'
          ? `SELECT x.id, ${millis('x.starts_at')} AS starts_at, ${millis('x.ends_at')} AS ends_at, x.state, x.source, cu.name AS customer, cu.phone, cu.email,
                    s.name AS service, x.notes, ${millis('x.confirmation_sent_at')} AS confirmation_sent_at, co.name AS company
               FROM appointments x
               LEFT JOIN appointments_customer_lnk acl ON acl.appointment_id = x.id LEFT JOIN customers cu ON cu.id = acl.customer_id
               LEFT JOIN appointments_service_lnk asl ON asl.appointment_id = x.id LEFT JOIN services s ON s.id = asl.service_id
               LEFT JOIN companies co ON co.id = x.company_id
              WHERE x.starts_at >= ? AND x.starts_at < ? AND x.id > ?${company.clause} ORDER BY x.id LIMIT ${PAGE}`
          : `SELECT x.id, ${millis('x.created_at')} AS created_at, ${millis('x.started_at')} AS started_at, x.duration_ms, x.state, x.direction, x.from_number, x.to_number,
                    cu.name AS customer, ap.id AS appointment_id, x.summary, x.sentiment, x.successful, x.recording_url, co.name AS company
               FROM calls x
               LEFT JOIN calls_customer_lnk ccl ON ccl.call_id = x.id LEFT JOIN customers cu ON cu.id = ccl.customer_id
               LEFT JOIN appointments_call_lnk acl ON acl.call_id = x.id LEFT JOIN appointments ap ON ap.id = acl.appointment_id
               LEFT JOIN companies co ON co.id = x.company_id
              WHERE x.created_at >= ? AND x.created_at < ? AND x.id > ?${company.clause} ORDER BY x.id LIMIT ${PAGE}`;
      // Read from the replica when there is one (DATABASE_READ_URL); the primary otherwise.
      const result = await readRaw(strapi, text, [
        at(from.toJSDate()),
        at(to.toJSDate()),
        afterId,
        ...company.bindings,
      ]);
      return Array.isArray(result) ? (result as Row[]) : (result as { rows: Row[] }).rows;
    };
    const yes = language === 'de' ? 'ja' : 'yes';
    const no = language === 'de' ? 'nein' : 'no';
    const format = (row: Row) =>
      kind === 'appointments'
        ? line([
            time(row.starts_at),
            time(row.ends_at),
            row.state,
            row.source,
            row.customer,
            row.phone,
            row.email,
            row.service,
            row.notes,
            time(row.confirmation_sent_at),
            row.company,
          ])
        : line([
            time(row.started_at ?? row.created_at),
            row.duration_ms === null ? '' : Math.round(Number(row.duration_ms) / 1000),
            row.state,
            row.direction,
            row.from_number,
            row.to_number,
            row.customer,
            row.appointment_id
              ? language === 'de'
                ? 'gebucht'
                : 'booked'
              : language === 'de'
                ? 'nicht gebucht'
                : 'not booked',
            row.summary,
            row.sentiment,
            row.successful === null ? '' : row.successful ? yes : no,
            row.recording_url,
            row.company,
          ]);

    const pump = async () => {
      out.write(BOM + line(COLUMNS[kind][language]));
      let afterId = 0;
      for (;;) {
        const rows = await page(afterId);
        if (rows.length === 0) break;
        const chunk = rows.map(format).join('');
        if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
        afterId = Number(rows[rows.length - 1].id);
        if (rows.length < PAGE) break;
      }
      out.end();
    };
    pump().catch((error) => out.destroy(error as Error));
    return out;
  },
});
