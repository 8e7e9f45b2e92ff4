import type { Core, UID } from '@strapi/strapi';

/**
 * The content manager's list views and labels, kept in code so every deployment shows the same
 * thing (Strapi stores them in its core store; this rewrites them at boot, leaving the rest of
 * each configuration, e.g. edit layouts a super admin arranged, as it is).
 */
type Layout = {
  list: string[];
  mainField: string;
  sortBy: string;
  sortOrder: 'ASC' | 'DESC';
  labels?: Record<string, string>;
  descriptions?: Record<string, string>;
  relationLabels?: Record<string, string>;
};

const LAYOUTS: Record<string, Layout> = {
  'api::appointment.appointment': {
    list: ['startsAt', 'customer', 'service', 'staff', 'state', 'source', 'call'],
    mainField: 'startsAt',
    sortBy: 'startsAt',
    sortOrder: 'DESC',
    labels: { startsAt: 'Start', endsAt: 'End', state: 'State', source: 'Booked via' },
    descriptions: {
      endsAt: 'Leave empty to use the duration of the service.',
      staff:
        'Leave empty to give it to whoever is free (qualified for the service, within their hours).',
    },
    relationLabels: { customer: 'name', service: 'name', staff: 'name', call: 'retellCallId' },
  },
  'api::customer.customer': {
    list: ['name', 'phone', 'email', 'createdAt'],
    mainField: 'name',
    sortBy: 'name',
    sortOrder: 'ASC',
    descriptions: {
      phone:
        'Typed as the customer says it (030 555 014 70 or +49 …); stored as +493055501470. One customer per number and company.',
      reminderChannel:
        'sms needs the customer’s consent (below) and a mobile number; none: no reminders.',
      smsConsentAt:
        'When the customer agreed to text messages (the agent records it on the phone).',
    },
    relationLabels: { appointments: 'startsAt', calls: 'retellCallId' },
  },
  'api::call.call': {
    list: [
      'startedAt',
      'customer',
      'fromNumber',
      'state',
      'durationMs',
      'successful',
      'appointment',
    ],
    mainField: 'retellCallId',
    sortBy: 'startedAt',
    sortOrder: 'DESC',
    labels: { durationMs: 'Duration (ms)', transferOutcome: 'Hand-off' },
    descriptions: {
      transferOutcome: 'Handed to a person: started, bridged (connected), cancelled, or ended.',
    },
    relationLabels: { customer: 'name', appointment: 'startsAt' },
  },
  'api::service.service': {
    list: ['name', 'durationMinutes', 'bufferMinutes', 'active'],
    mainField: 'name',
    sortBy: 'name',
    sortOrder: 'ASC',
    labels: { durationMinutes: 'Duration (min)', bufferMinutes: 'Buffer after (min)' },
    descriptions: {
      bufferMinutes: 'Kept free after the appointment (e.g. for the colour to set).',
      aliases: 'Other names callers use, one per line (e.g. "Haare schneiden").',
      staff: 'Who performs it. No one chosen: every active staff member.',
    },
    relationLabels: { staff: 'name' },
  },
  'api::staff.staff': {
    list: ['name', 'email', 'active'],
    mainField: 'name',
    sortBy: 'name',
    sortOrder: 'ASC',
    descriptions: {
      email: 'For contact. The admin-panel login is linked by a super admin, not by this email.',
      workingHours: "Empty: the company's opening hours.",
      services: 'Empty: every service.',
      active: 'Inactive staff are not booked and not shown in the calendar.',
      adminUser: 'The admin-panel login of this person (set by a super admin).',
    },
    relationLabels: { services: 'name' },
  },
  'api::callback-request.callback-request': {
    list: ['createdAt', 'customer', 'phone', 'reason', 'preferredTime', 'state'],
    mainField: 'reason',
    sortBy: 'createdAt',
    sortOrder: 'DESC',
    labels: { preferredTime: 'When', state: 'State' },
    descriptions: { state: 'Set to done once someone called back (or from the overview).' },
    relationLabels: { customer: 'name', call: 'retellCallId' },
  },
  'api::absence.absence': {
    list: ['staff', 'startsAt', 'endsAt', 'reason'],
    mainField: 'reason',
    sortBy: 'startsAt',
    sortOrder: 'DESC',
    labels: { startsAt: 'From', endsAt: 'Until' },
    descriptions: {
      reason: 'Vacation, sick, training … (shown in the calendar).',
      staff: 'Empty: the whole company is closed (e.g. a public holiday).',
    },
    relationLabels: { staff: 'name' },
  },
  'api::company.company': {
    list: ['name', 'slug', 'timezone', 'language', 'retellAgentId'],
    mainField: 'name',
    sortBy: 'name',
    sortOrder: 'ASC',
    descriptions: {
      retellApiKey:
        'Stored encrypted and never shown: •••••••• means a key is set. Type a new key to replace it, clear the field to remove it.',
      timezone: 'IANA time zone, e.g. Europe/Berlin.',
      slotMinutes: 'Booking grid in minutes.',
      address: 'Where customers come: in every message and as the invitation’s location.',
      reminderOffsets:
        'When customers are reminded, before the appointment: e.g. [24, 2] (hours) or ["24h", "30m"]. Empty: 24 h; []: no reminders.',
      smsProvider:
        'Text messages through: the platform’s provider (SMS_PROVIDER), none, or another the platform holds credentials for.',
      smsFrom:
        'Sender name of text messages (up to 11 letters and digits), e.g. SalonAnna. Empty: SMS_FROM.',
      cancellationDeadlineHours:
        'Until how many hours before the appointment customers may move or cancel it through their link; after that the page gives your phone number.',
    },
  },
  'plugin::retell.webhook-event': {
    list: ['receivedAt', 'event', 'callId', 'state', 'attempts', 'lastError'],
    mainField: 'dedupeKey',
    sortBy: 'receivedAt',
    sortOrder: 'DESC',
  },
};

type Metadata = { edit: Record<string, unknown>; list: Record<string, unknown> };
type Configuration = {
  settings: Record<string, unknown>;
  metadatas: Record<string, Metadata>;
  layouts: { list: string[]; edit: unknown };
};

export const applyAdminLayouts = async (strapi: Core.Strapi) => {
  const contentTypes = strapi.plugin('content-manager').service('content-types');
  for (const [uid, layout] of Object.entries(LAYOUTS)) {
    const contentType = strapi.contentType(uid as UID.ContentType);
    if (!contentType) continue;
    const current = (await contentTypes.findConfiguration(contentType)) as Configuration & {
      uid: string;
    };
    const metadatas = { ...current.metadatas };
    const setMeta = (
      field: string,
      section: 'edit' | 'list' | 'both',
      patch: Record<string, unknown>
    ) => {
      if (!metadatas[field]) return;
      metadatas[field] = {
        edit: section === 'list' ? metadatas[field].edit : { ...metadatas[field].edit, ...patch },
        list: section === 'edit' ? metadatas[field].list : { ...metadatas[field].list, ...patch },
      };
    };
    for (const [field, label] of Object.entries(layout.labels ?? {}))
      setMeta(field, 'both', { label });
    for (const [field, description] of Object.entries(layout.descriptions ?? {}))
      setMeta(field, 'edit', { description });
    for (const [field, mainField] of Object.entries(layout.relationLabels ?? {})) {
      setMeta(field, 'both', { mainField });
    }
    await contentTypes.updateConfiguration(contentType, {
      settings: {
        ...current.settings,
        mainField: layout.mainField,
        defaultSortBy: layout.sortBy,
        defaultSortOrder: layout.sortOrder,
        pageSize: 20,
      },
      metadatas,
      layouts: {
        ...current.layouts,
        list: layout.list.filter(
          (field) => field in contentType.attributes || field === 'createdAt'
        ),
      },
    });
  }
};
