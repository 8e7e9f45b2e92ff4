/**
 * An appointment as booking works with it, read from what the Document Service returns (ids as
 * numbers, times as ISO text in UTC), so that the rest of the code needs no casts.
 */
export type Appointment = {
  id: number;
  documentId: string;
  startsAt: string;
  endsAt: string;
  state: string;
  service?: { id: number; name: string; durationMinutes: number } | null;
  customer?: { id: number; name: string | null } | null;
  staff?: { id: number; name: string } | null;
};

type Id = string | number;
/** The shape of an appointment document, as much as booking reads of it. */
export type AppointmentDocument = {
  id: Id;
  documentId: string;
  startsAt?: unknown;
  endsAt?: unknown;
  state?: unknown;
  service?: { id?: Id; name?: unknown; durationMinutes?: unknown } | null;
  customer?: { id: Id; name?: unknown } | null;
  staff?: { id: Id; name?: unknown } | null;
};

const isoOf = (value: unknown): string => {
  if (typeof value === 'string' || typeof value === 'number' || value instanceof Date)
    return new Date(value).toISOString();
  throw new Error(`an appointment without a valid time: ${String(value)}`);
};
const textOf = (value: unknown): string | null => (typeof value === 'string' ? value : null);

export const toAppointment = (document: AppointmentDocument): Appointment => ({
  id: Number(document.id),
  documentId: document.documentId,
  startsAt: isoOf(document.startsAt),
  endsAt: isoOf(document.endsAt),
  state: textOf(document.state) ?? 'confirmed',
  service: document.service
    ? {
        id: Number(document.service.id),
        name: textOf(document.service.name) ?? '',
        durationMinutes: Number(document.service.durationMinutes),
      }
    : null,
  customer: document.customer
    ? { id: Number(document.customer.id), name: textOf(document.customer.name) }
    : null,
  staff: document.staff
    ? { id: Number(document.staff.id), name: textOf(document.staff.name) ?? '' }
    : null,
});
