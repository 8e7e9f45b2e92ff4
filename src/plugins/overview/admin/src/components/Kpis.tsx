import { Box, Flex, Grid, Typography } from '@strapi/design-system';
import { formatDuration, percent } from '../api';
import { useT } from '../i18n';

export type KpiData = {
  calls: number;
  bookings: number;
  phoneBookings: number;
  bookedCalls: number;
  conversion: number | null;
  averageCallSeconds: number | null;
  noShowRate: number | null;
  noShows: number;
  completed: number;
  newCustomers: number;
  perDay: Array<{ date: string; calls: number; bookings: number }>;
};

const Figure = ({
  label,
  value,
  hint,
  testId,
}: {
  label: string;
  value: string;
  hint?: string;
  testId: string;
}) => (
  <Box background="neutral100" hasRadius padding={4} data-testid={testId}>
    <Typography variant="sigma" textColor="neutral600">
      {label}
    </Typography>
    <Typography tag="p" variant="alpha" data-kpi-value>
      {value}
    </Typography>
    {hint ? (
      <Typography variant="pi" textColor="neutral600">
        {hint}
      </Typography>
    ) : null}
  </Box>
);

/** Calls and bookings per day, as plain SVG bars. */
const Chart = ({ days }: { days: KpiData['perDay'] }) => {
  const t = useT();
  const max = Math.max(1, ...days.map((day) => Math.max(day.calls, day.bookings)));
  const width = Math.max(days.length * 28, 200);
  return (
    <Box paddingTop={4}>
      <svg
        role="img"
        aria-label={t('chart.label')}
        width="100%"
        height="120"
        viewBox={`0 0 ${width} 120`}
        preserveAspectRatio="none"
      >
        {days.map((day, index) => {
          const callHeight = (day.calls / max) * 100;
          const bookingHeight = (day.bookings / max) * 100;
          return (
            <g key={day.date}>
              <title>
                {t('chart.bar', { date: day.date, calls: day.calls, bookings: day.bookings })}
              </title>
              <rect
                x={index * 28 + 4}
                y={110 - callHeight}
                width={10}
                height={callHeight}
                fill="#7b79ff"
              />
              <rect
                x={index * 28 + 15}
                y={110 - bookingHeight}
                width={10}
                height={bookingHeight}
                fill="#32d08d"
              />
            </g>
          );
        })}
        <line x1="0" y1="110" x2={width} y2="110" stroke="#dcdce4" />
      </svg>
      <Flex gap={4}>
        <Typography variant="pi" textColor="neutral600">
          ■ <span style={{ color: '#7b79ff' }}>{t('chart.calls')}</span> ■{' '}
          <span style={{ color: '#32d08d' }}>{t('chart.bookings')}</span> {t('chart.perDay')}
        </Typography>
      </Flex>
    </Box>
  );
};

export const Kpis = ({ data }: { data: KpiData }) => {
  const t = useT();
  return (
    <>
      <Grid.Root gap={4}>
        {[
          { label: t('kpi.calls'), value: String(data.calls), testId: 'kpi-calls' },
          {
            label: t('kpi.bookings'),
            value: String(data.bookings),
            hint: t('kpi.byPhone', { count: data.phoneBookings }),
            testId: 'kpi-bookings',
          },
          {
            label: t('kpi.conversion'),
            value: percent(data.conversion),
            hint: t('kpi.callsBooked', { count: data.bookedCalls }),
            testId: 'kpi-conversion',
          },
          {
            label: t('kpi.duration'),
            value:
              data.averageCallSeconds === null
                ? '–'
                : formatDuration(data.averageCallSeconds * 1000),
            testId: 'kpi-duration',
          },
          {
            label: t('kpi.noShow'),
            value: percent(data.noShowRate),
            hint: t('kpi.noShowHint', { noShows: data.noShows, completed: data.completed }),
            testId: 'kpi-no-show',
          },
          {
            label: t('kpi.newCustomers'),
            value: String(data.newCustomers),
            testId: 'kpi-new-customers',
          },
        ].map((figure) => (
          <Grid.Item key={figure.testId} col={2} s={6} xs={12}>
            <Figure {...figure} />
          </Grid.Item>
        ))}
      </Grid.Root>
      <Chart days={data.perDay} />
    </>
  );
};
