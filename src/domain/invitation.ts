import ical, {
  ICalAlarmType,
  ICalAttendeeRole,
  ICalAttendeeStatus,
  ICalCalendarMethod,
  ICalEventStatus,
} from 'ical-generator';

/**
 * The calendar invitation that travels with every message about an appointment (RFC 5545,
 * with iTIP's RFC 5546 scheduling): one `UID` per appointment for its whole life, `SEQUENCE`
 * counting its changes. A booking or a move is a `REQUEST` (the client adds or updates the
 * entry); a cancellation a `CANCEL` with `STATUS:CANCELLED` (the client removes it). iTIP wants
 * an `ORGANIZER` (the company) and the `ATTENDEE` (the customer).
 */
export type Invitation = {
  uid: string;
  sequence: number;
  method: 'REQUEST' | 'CANCEL';
  start: Date;
  end: Date;
  summary: string;
  description: string;
  location?: string | null;
  url?: string | null;
  organizer: { name: string; email: string };
  attendee: { name: string | null; email: string };
  /** Minutes before the start for the calendar's own reminder; none for a cancellation. */
  alarmMinutes?: number | null;
  calendarName: string;
};

export const invitationFile = (invite: Invitation): string => {
  const calendar = ical({
    prodId: { company: 'Frontdesk', product: 'Frontdesk', language: 'EN' },
    name: invite.calendarName,
    method: invite.method === 'CANCEL' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
  });
  const event = calendar.createEvent({
    id: invite.uid,
    sequence: invite.sequence,
    start: invite.start,
    end: invite.end,
    stamp: new Date(),
    summary: invite.summary,
    description: invite.description,
    location: invite.location || undefined,
    url: invite.url || undefined,
    status: invite.method === 'CANCEL' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    organizer: { name: invite.organizer.name, email: invite.organizer.email },
    attendees: [
      {
        name: invite.attendee.name || undefined,
        email: invite.attendee.email,
        rsvp: false,
        role: ICalAttendeeRole.REQ,
        status:
          invite.method === 'CANCEL' ? ICalAttendeeStatus.DECLINED : ICalAttendeeStatus.ACCEPTED,
      },
    ],
  });
  if (invite.method === 'REQUEST' && invite.alarmMinutes)
    event.createAlarm({
      type: ICalAlarmType.display,
      trigger: invite.alarmMinutes * 60,
      description: invite.summary,
    });
  return calendar.toString();
};
