/**
 * The content manager in the company's language: our content types' names (the left menu and
 * headers use the display name as the message id) and field labels (ids
 * `content-manager.content-types.<uid>.<field>`, components `content-manager.components.<uid>.<field>`).
 * English labels are the defaults the admin shows without a translation; German for German
 * salons' staff (the admin's `de` locale, picked per user under Profile → Interface language).
 */
type Labels = { name: [string, string]; fields: Record<string, [string, string]> };

/** uid → [English, German] names and field labels. */
const CONTENT_TYPES: Record<string, Labels> = {
  'api::callback-request.callback-request': {
    name: ['Callback request', 'Rückrufbitte'],
    fields: {
      company: ['Company', 'Firma'],
      customer: ['Customer', 'Kunde'],
      call: ['Call', 'Anruf'],
      phone: ['Phone', 'Telefon'],
      reason: ['About', 'Anliegen'],
      preferredTime: ['When', 'Wann'],
      state: ['State', 'Status'],
    },
  },
  'api::appointment.appointment': {
    name: ['Appointment', 'Termin'],
    fields: {
      company: ['Company', 'Firma'],
      customer: ['Customer', 'Kunde'],
      service: ['Service', 'Leistung'],
      staff: ['Staff member', 'Mitarbeiter'],
      call: ['Call', 'Anruf'],
      startsAt: ['Start', 'Beginn'],
      endsAt: ['End', 'Ende'],
      state: ['State', 'Status'],
      source: ['Booked via', 'Gebucht über'],
      notes: ['Notes', 'Notizen'],
      confirmationSentAt: ['Confirmation sent', 'Bestätigung gesendet'],
      sequence: ['Changes', 'Änderungen'],
    },
  },
  'api::customer.customer': {
    name: ['Customer', 'Kunde'],
    fields: {
      reminderChannel: ['Reminders by', 'Erinnerungen per'],
      smsConsentAt: ['Agreed to text messages', 'SMS zugestimmt am'],
      company: ['Company', 'Firma'],
      name: ['Name', 'Name'],
      phone: ['Phone', 'Telefon'],
      email: ['Email', 'E-Mail'],
      notes: ['Notes', 'Notizen'],
      unverifiedPhone: ['Number unverified', 'Nummer unbestätigt'],
      appointments: ['Appointments', 'Termine'],
      calls: ['Calls', 'Anrufe'],
    },
  },
  'api::service.service': {
    name: ['Service', 'Leistung'],
    fields: {
      aliases: ['Other names', 'Andere Bezeichnungen'],
      company: ['Company', 'Firma'],
      name: ['Name', 'Name'],
      durationMinutes: ['Duration (min)', 'Dauer (Min.)'],
      active: ['Active', 'Aktiv'],
      bufferMinutes: ['Buffer after (min)', 'Puffer danach (Min.)'],
      staff: ['Staff', 'Mitarbeiter'],
    },
  },
  'api::staff.staff': {
    name: ['Staff', 'Mitarbeiter'],
    fields: {
      company: ['Company', 'Firma'],
      name: ['Name', 'Name'],
      email: ['Email', 'E-Mail'],
      active: ['Active', 'Aktiv'],
      adminUser: ['Admin login', 'Admin-Login'],
      workingHours: ['Working hours', 'Arbeitszeiten'],
      services: ['Services', 'Leistungen'],
    },
  },
  'api::absence.absence': {
    name: ['Absence', 'Abwesenheit'],
    fields: {
      company: ['Company', 'Firma'],
      staff: ['Staff member', 'Mitarbeiter'],
      startsAt: ['From', 'Von'],
      endsAt: ['Until', 'Bis'],
      reason: ['Reason', 'Grund'],
    },
  },
  'api::call.call': {
    name: ['Call', 'Anruf'],
    fields: {
      transferredAt: ['Handed over at', 'Weitergeleitet um'],
      transferDestination: ['Handed over to', 'Weitergeleitet an'],
      transferOutcome: ['Hand-off', 'Weiterleitung'],
      company: ['Company', 'Firma'],
      customer: ['Customer', 'Kunde'],
      retellCallId: ['Retell call id', 'Retell-Anruf-ID'],
      agentId: ['Agent id', 'Agent-ID'],
      direction: ['Direction', 'Richtung'],
      fromNumber: ['From', 'Von'],
      toNumber: ['To', 'An'],
      state: ['State', 'Status'],
      startedAt: ['Started', 'Beginn'],
      endedAt: ['Ended', 'Ende'],
      durationMs: ['Duration (ms)', 'Dauer (ms)'],
      transcript: ['Transcript', 'Transkript'],
      recordingUrl: ['Recording', 'Aufnahme'],
      disconnectionReason: ['Ended because', 'Beendet durch'],
      summary: ['Summary', 'Zusammenfassung'],
      sentiment: ['Sentiment', 'Stimmung'],
      successful: ['Successful', 'Erfolgreich'],
      analysis: ['Analysis', 'Auswertung'],
      appointment: ['Appointment', 'Termin'],
    },
  },
  'api::company.company': {
    name: ['Company', 'Firma'],
    fields: {
      name: ['Name', 'Name'],
      slug: ['Slug', 'Kürzel'],
      timezone: ['Time zone', 'Zeitzone'],
      phoneNumber: ['Phone number', 'Telefonnummer'],
      retellAgentId: ['Retell agent id', 'Retell-Agent-ID'],
      retellApiKey: ['Retell API key', 'Retell-API-Schlüssel'],
      openingHours: ['Opening hours', 'Öffnungszeiten'],
      slotMinutes: ['Booking grid (min)', 'Buchungsraster (Min.)'],
      language: ['Language', 'Sprache'],
      notificationEmail: ['Notification email', 'E-Mail für Benachrichtigungen'],
      afterHoursAgentId: ['Retell agent after hours', 'Retell-Agent außerhalb der Öffnungszeiten'],
      address: ['Address', 'Adresse'],
      reminderOffsets: ['Reminders before the appointment', 'Erinnerungen vor dem Termin'],
      smsProvider: ['Text messages through', 'SMS-Versand über'],
      smsFrom: ['Text message sender', 'SMS-Absender'],
      cancellationDeadlineHours: [
        'Online changes until (hours before)',
        'Online-Änderungen bis (Stunden vorher)',
      ],
      forwardingNumber: ['Forward calls to', 'Anrufe weiterleiten an'],
      forwardDuringOpeningHoursOnly: [
        'Forward only while open',
        'Nur während der Öffnungszeiten weiterleiten',
      ],
    },
  },
  'api::notification.notification': {
    name: ['Notification', 'Benachrichtigung'],
    fields: {
      company: ['Company', 'Firma'],
      appointment: ['Appointment', 'Termin'],
      kind: ['Kind', 'Art'],
      channel: ['Channel', 'Kanal'],
      dedupeKey: ['Key', 'Schlüssel'],
      sequence: ['Change', 'Änderung'],
      state: ['State', 'Status'],
      attempts: ['Attempts', 'Versuche'],
      requeues: ['Requeued', 'Neu eingereiht'],
      dueAt: ['Due', 'Fällig'],
      nextAttemptAt: ['Next attempt', 'Nächster Versuch'],
      leaseExpiresAt: ['Lease until', 'Reserviert bis'],
      sentAt: ['Sent', 'Gesendet'],
      lastError: ['Last error', 'Letzter Fehler'],
      snapshot: ['Content', 'Inhalt'],
    },
  },
};

const COMPONENTS: Record<string, Record<string, [string, string]>> = {
  'company.opening-hours': {
    weekday: ['Weekday (1 = Monday)', 'Wochentag (1 = Montag)'],
    opens: ['Opens', 'Von'],
    closes: ['Closes', 'Bis'],
  },
};

const build = (index: 0 | 1) => {
  const messages: Record<string, string> = {};
  for (const [uid, { name, fields }] of Object.entries(CONTENT_TYPES)) {
    messages[name[0]] = name[index];
    for (const [field, labels] of Object.entries(fields))
      messages[`content-manager.content-types.${uid}.${field}`] = labels[index];
  }
  for (const [uid, fields] of Object.entries(COMPONENTS))
    for (const [field, labels] of Object.entries(fields))
      messages[`content-manager.components.${uid}.${field}`] = labels[index];
  return messages;
};

export const translations = { en: build(0), de: build(1) };
