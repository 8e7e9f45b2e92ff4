import * as React from 'react';
import { Layouts, Page, useFetchClient, useNotification } from '@strapi/strapi/admin';
import { Box, Flex, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import { useNavigate } from 'react-router-dom';
import { DateTime, Settings } from 'luxon';
import { Calendar, Views, luxonLocalizer, type View } from 'react-big-calendar';
import withDragAndDrop, {
  type EventInteractionArgs,
} from 'react-big-calendar/lib/addons/dragAndDrop';
import 'react-big-calendar/lib/css/react-big-calendar.css';
import 'react-big-calendar/lib/addons/dragAndDrop/styles.css';
import { useT } from '../i18n';

/**
 * The staff calendar: a day or a week of one company in its own time zone, a column per staff
 * member, appointments as blocks coloured by state, what is not bookable (outside working hours,
 * absences, closures) shaded. Drag a block to another time or column, drag its lower edge to
 * change the end: the move goes through the booking rules on the server; a refusal snaps the
 * block back and says why. Click a block to open the appointment. (react-big-calendar, MIT.)
 *
 * The CSS is imported here, in the lazily loaded page: Strapi's admin links no CSS of its entry.
 */
type Staff = { id: number; name: string | null };
type Block = {
  documentId: string;
  staffId: number;
  start: string;
  end: string;
  state: string;
  customer: string | null;
  service: string | null;
};
type Blocked = {
  staffId: number;
  start: string;
  end: string;
  kind: 'absence' | 'closure' | 'off';
  reason: string | null;
};
type CalendarData = {
  companyId: number;
  company: string;
  timezone: string;
  from: string;
  dayStart: number;
  dayEnd: number;
  slotMinutes: number;
  staff: Staff[];
  appointments: Block[];
  blocked: Blocked[];
};
type Meta = { companies: Array<{ id: number; name: string }>; canPick: boolean };
type Item = {
  id: string;
  title: string;
  start: Date;
  end: Date;
  resourceId: number;
  state: string;
  background?: Blocked['kind'];
};

const DnDCalendar = withDragAndDrop<Item, Staff>(Calendar);
const MOVABLE = new Set(['confirmed', 'requested']);
const STATE_STYLE: Record<string, React.CSSProperties> = {
  confirmed: { background: '#4945ff', color: '#fff' },
  requested: { background: '#f29d41', color: '#fff' },
  completed: { background: '#328048', color: '#fff' },
  no_show: { background: '#d02b20', color: '#fff' },
  cancelled: { background: '#dcdce4', color: '#666687', textDecoration: 'line-through' },
};
const BLOCKED_STYLE: Record<Blocked['kind'], React.CSSProperties> = {
  off: { background: 'rgba(142, 142, 169, 0.18)', border: 'none', pointerEvents: 'none' },
  absence: {
    background:
      'repeating-linear-gradient(135deg, rgba(208,43,32,0.12) 0 8px, rgba(208,43,32,0.22) 8px 16px)',
    border: 'none',
    color: '#b72b1a',
    pointerEvents: 'none',
  },
  closure: {
    background: 'rgba(102, 102, 135, 0.35)',
    border: 'none',
    color: '#32324d',
    pointerEvents: 'none',
  },
};

/**
 * react-big-calendar's luxon localizer reads every Date in luxon's default zone: set to the
 * company's on every render (before any child computes a slot), back to the browser's on leave.
 * Three of its functions use the browser's clock or elapsed minutes by default, which puts
 * blocks an hour off on daylight-saving days: replaced by zone-aware ones.
 */
const useZoned = (zone: string, culture: string) => {
  Settings.defaultZone = zone;
  const localizer = React.useMemo(() => {
    const zoned = luxonLocalizer(DateTime, { firstDayOfWeek: 1 });
    const at = (date: Date) => DateTime.fromJSDate(date);
    zoned.getTimezoneOffset = (date: Date) => -at(date).offset;
    zoned.getDstOffset = (a: Date, b: Date) => at(b).offset - at(a).offset;
    zoned.getMinutesFromMidnight = (date: Date) => at(date).hour * 60 + at(date).minute;
    return zoned;
  }, [zone, culture]);
  React.useEffect(
    () => () => {
      Settings.defaultZone = 'system';
    },
    []
  );
  return localizer;
};

/** Adds data attributes to each time slot (`data-slot`, `data-staff`): tests and tools find a slot by them. */
const SlotWrapper = ({
  children,
  value,
  resource,
}: {
  children?: React.ReactNode;
  value?: Date;
  resource?: number | string | null;
}) =>
  React.isValidElement(children)
    ? React.cloneElement(children as React.ReactElement<Record<string, unknown>>, {
        'data-slot': value ? DateTime.fromJSDate(value).toUTC().toISO() : undefined,
        'data-staff': resource ?? undefined,
      })
    : (children ?? null);

const EventBlock = ({ event }: { event: Item }) =>
  event.background ? (
    <span>{event.title}</span>
  ) : (
    <span data-appointment={event.id} data-staff={event.resourceId}>
      {event.title}
    </span>
  );

const CalendarPage = () => {
  const t = useT();
  const { locale } = useIntl();
  const navigate = useNavigate();
  const { get, put } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [view, setView] = React.useState<View>(Views.DAY);
  const [day, setDay] = React.useState<string | null>(null);
  const [company, setCompany] = React.useState<string | undefined>(undefined);
  const [data, setData] = React.useState<CalendarData | null>(null);
  const [meta, setMeta] = React.useState<Meta | null>(null);
  const [events, setEvents] = React.useState<Item[]>([]);
  const [refresh, setRefresh] = React.useState(0);
  const zone = data?.timezone ?? 'system';
  const localizer = useZoned(zone, locale);
  const culture = locale.startsWith('de') ? 'de' : 'en';

  const titleOf = (block: Block) =>
    `${block.customer ?? t('calendar.noCustomer')}${block.service ? ` · ${block.service}` : ''}`;

  React.useEffect(() => {
    let live = true;
    const params: Record<string, string> = { view: view === Views.WEEK ? 'week' : 'day' };
    if (day) params.date = day;
    if (company) params.company = company;
    get<{ data: CalendarData; meta: Meta }>('/overview/calendar', { params }).then(
      ({ data: response }) => {
        if (!live) return;
        setData(response.data);
        setMeta(response.meta);
        setEvents(
          response.data.appointments.map((block) => ({
            id: block.documentId,
            title: titleOf(block),
            start: new Date(block.start),
            end: new Date(block.end),
            resourceId: block.staffId,
            state: block.state,
          }))
        );
        if (!day) setDay(response.data.from);
      },
      (error: Error) => live && toggleNotification({ type: 'danger', message: error.message })
    );
    return () => {
      live = false;
    };
  }, [view, day, company, refresh]);

  const background = React.useMemo<Item[]>(
    () =>
      (data?.blocked ?? []).map((blocked, index) => ({
        id: `blocked-${index}`,
        title:
          blocked.kind === 'off'
            ? ''
            : (blocked.reason ??
              t(blocked.kind === 'absence' ? 'calendar.absence' : 'calendar.closure')),
        start: new Date(blocked.start),
        end: new Date(blocked.end),
        resourceId: blocked.staffId,
        state: blocked.kind,
        background: blocked.kind,
      })),
    [data]
  );
  const resources = React.useMemo(
    () =>
      (data?.staff ?? []).map((member) => ({
        id: member.id,
        name: member.name ?? t('calendar.unassigned'),
      })),
    [data, locale]
  );
  const bounds = React.useMemo(() => {
    const base = DateTime.fromISO(day ?? DateTime.now().toISODate() ?? '', { zone });
    const at = (minute: number) =>
      base.set({ hour: Math.min(23, Math.floor(minute / 60)), minute: minute % 60 }).toJSDate();
    return {
      min: at(data?.dayStart ?? 8 * 60),
      max:
        data && data.dayEnd >= 24 * 60 ? base.endOf('day').toJSDate() : at(data?.dayEnd ?? 19 * 60),
    };
  }, [data, day, zone]);

  const replace = (item: Item) =>
    setEvents((all) => all.map((event) => (event.id === item.id ? item : event)));

  const move = async ({ event, start, end, resourceId, isAllDay }: EventInteractionArgs<Item>) => {
    if (isAllDay || event.background) return;
    const staffId = resourceId === undefined ? event.resourceId : Number(resourceId);
    const moved = { ...event, start: new Date(start), end: new Date(end), resourceId: staffId };
    if (
      moved.start.getTime() === event.start.getTime() &&
      moved.end.getTime() === event.end.getTime() &&
      staffId === event.resourceId
    )
      return;
    replace(moved);
    try {
      await put(`/overview/calendar/appointments/${event.id}`, {
        startsAt: moved.start.toISOString(),
        endsAt: moved.end.toISOString(),
        staffId,
      });
      toggleNotification({
        type: 'success',
        message: t('calendar.moved', {
          customer: event.title,
          when: DateTime.fromJSDate(moved.start)
            .setLocale(culture)
            .toLocaleString(DateTime.DATETIME_MED_WITH_WEEKDAY),
        }),
      });
      setRefresh((value) => value + 1);
    } catch (error) {
      replace(event);
      toggleNotification({
        type: 'danger',
        message: t('calendar.refused', { reason: (error as Error).message }),
      });
    }
  };

  const date = day ? DateTime.fromISO(day, { zone }).set({ hour: 12 }).toJSDate() : new Date();

  return (
    <Page.Main>
      <Page.Title>{t('calendar.title')}</Page.Title>
      <Layouts.Header
        title={t('calendar.title')}
        subtitle={
          data ? t('calendar.subtitle', { company: data.company, zone: data.timezone }) : ''
        }
        primaryAction={
          meta?.canPick ? (
            <SingleSelect
              aria-label={t('company.label')}
              size="S"
              value={String(company ?? data?.companyId ?? '')}
              onChange={(value: string | number) => {
                setCompany(String(value));
                setDay(null);
              }}
            >
              {meta.companies.map((item) => (
                <SingleSelectOption key={item.id} value={String(item.id)}>
                  {item.name}
                </SingleSelectOption>
              ))}
            </SingleSelect>
          ) : undefined
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={3}>
          <Typography variant="pi" textColor="neutral600">
            {t('calendar.hint')}
          </Typography>
          <Box
            background="neutral0"
            padding={4}
            hasRadius
            shadow="tableShadow"
            style={{ height: 'calc(100vh - 260px)', minHeight: 520, color: '#32324d' }}
            data-testid="staff-calendar"
          >
            {/* Only the end is resizable (the start moves by dragging); a half-hour tall enough to read. */}
            <style>
              {
                '.rbc-addons-dnd-resize-ns-anchor:first-child{display:none}.rbc-timeslot-group{min-height:64px}'
              }
            </style>
            {data ? (
              <DnDCalendar
                key={`${data.companyId}:${data.timezone}`}
                localizer={localizer}
                culture={culture}
                // "Dienstag, 1. Dezember 2026" / "Tuesday, December 1, 2026" (luxon's DDDD).
                formats={{ dayHeaderFormat: 'DDDD' }}
                messages={{
                  today: t('calendar.today'),
                  previous: t('calendar.previous'),
                  next: t('calendar.next'),
                  day: t('calendar.day'),
                  week: t('calendar.week'),
                  noEventsInRange: t('calendar.noEvents'),
                }}
                min={bounds.min}
                max={bounds.max}
                step={data.slotMinutes}
                timeslots={Math.max(1, Math.round(60 / data.slotMinutes))}
                views={[Views.DAY, Views.WEEK]}
                view={view}
                onView={setView}
                date={date}
                onNavigate={(next: Date) =>
                  setDay(DateTime.fromJSDate(next).setZone(zone).toISODate())
                }
                resources={resources}
                resourceIdAccessor="id"
                resourceTitleAccessor="name"
                events={events}
                backgroundEvents={background}
                draggableAccessor={(item: Item) => !item.background && MOVABLE.has(item.state)}
                resizableAccessor={(item: Item) => !item.background && MOVABLE.has(item.state)}
                onEventDrop={move}
                onEventResize={(args: EventInteractionArgs<Item>) =>
                  move({ ...args, start: args.event.start })
                }
                onSelectEvent={(item: Item) => {
                  if (!item.background)
                    navigate(
                      `/content-manager/collection-types/api::appointment.appointment/${item.id}`
                    );
                }}
                eventPropGetter={(item: Item) => ({
                  style: item.background
                    ? BLOCKED_STYLE[item.background]
                    : (STATE_STYLE[item.state] ?? STATE_STYLE.confirmed),
                })}
                components={{ event: EventBlock, timeSlotWrapper: SlotWrapper }}
                showMultiDayTimes
                dayLayoutAlgorithm="no-overlap"
              />
            ) : null}
          </Box>
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
};

export default CalendarPage;
