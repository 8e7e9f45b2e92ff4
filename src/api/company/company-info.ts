import type { OpeningInterval } from '../../domain/slots';
import type { Language } from '../../domain/speech';

/** What booking needs to know about a company, loaded once per request or job. */
export type CompanyInfo = {
  id: number;
  documentId: string;
  name: string;
  timezone: string;
  openingHours: OpeningInterval[];
  slotMinutes: number;
  language: Language;
  phoneNumber: string | null;
  /** Where customers come (the invitation's LOCATION, every message). */
  address: string | null;
  notificationEmail: string | null;
  slug: string | null;
  /** Retell agent for calls outside the opening hours (none: the usual one). */
  afterHoursAgentId: string | null;
  /** Where the agent may hand a caller over to a person (E.164), and whether only while open. */
  forwardingNumber: string | null;
  forwardDuringOpeningHoursOnly: boolean;
  /** Customers may move or cancel through their link until this many hours before the start. */
  cancellationDeadlineHours: number;
};

type CompanyDocument = Partial<CompanyInfo> & {
  id: number;
  documentId: string;
  name: string;
  openingHours?: Array<Partial<OpeningInterval>>;
};

export const toCompanyInfo = (company: CompanyDocument): CompanyInfo => ({
  id: company.id,
  documentId: company.documentId,
  name: company.name,
  timezone: company.timezone || 'Europe/Berlin',
  openingHours: (company.openingHours ?? [])
    .filter(
      (interval): interval is OpeningInterval =>
        !!interval.weekday && !!interval.opens && !!interval.closes
    )
    .map(({ weekday, opens, closes }) => ({ weekday, opens, closes })),
  slotMinutes: company.slotMinutes || 30,
  language: company.language === 'en' ? 'en' : 'de',
  phoneNumber: company.phoneNumber ?? null,
  address: company.address?.trim() || null,
  notificationEmail: company.notificationEmail ?? null,
  slug: company.slug ?? null,
  afterHoursAgentId: company.afterHoursAgentId || null,
  forwardingNumber: company.forwardingNumber || null,
  forwardDuringOpeningHoursOnly: company.forwardDuringOpeningHoursOnly !== false,
  cancellationDeadlineHours:
    typeof company.cancellationDeadlineHours === 'number' && company.cancellationDeadlineHours >= 0
      ? company.cancellationDeadlineHours
      : 24,
});
