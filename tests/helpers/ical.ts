const ICAL = require('ical.js');

/** An .ics file read with Mozilla's ical.js, as a calendar client would: the method and the event's properties. */
export const readInvitation = (ics: string) => {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const event = calendar.getFirstSubcomponent('vevent');
  const value = (name: string) => event?.getFirstPropertyValue(name);
  return {
    method: calendar.getFirstPropertyValue('method') as string,
    uid: value('uid') as string,
    sequence: Number(value('sequence') ?? 0),
    status: value('status') as string | undefined,
    start: (value('dtstart') as { toJSDate(): Date }).toJSDate().toISOString(),
    end: (value('dtend') as { toJSDate(): Date }).toJSDate().toISOString(),
    organizer: value('organizer') as string | undefined,
    attendee: value('attendee') as string | undefined,
    attendeeRsvp: event?.getFirstProperty('attendee')?.getParameter('rsvp') as string | undefined,
    location: value('location') as string | undefined,
    url: value('url') as string | undefined,
    description: value('description') as string | undefined,
    alarms: event?.getAllSubcomponents('valarm').length ?? 0,
  };
};
