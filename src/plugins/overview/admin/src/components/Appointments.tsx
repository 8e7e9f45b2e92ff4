import {
  Badge,
  Box,
  Flex,
  SimpleMenu,
  MenuItem,
  Table,
  Tbody,
  Td,
  Tr,
  Typography,
} from '@strapi/design-system';
import { useIntl } from 'react-intl';
import { HeaderRow } from './HeaderRow';
import { useT, type MessageKey } from '../i18n';

export type AppointmentItem = {
  documentId: string;
  time: string;
  state: string;
  source: string;
  customer: { documentId: string; name: string | null; phone: string | null } | null;
  service: string | null;
  company: string | null;
};
export type AppointmentDays = {
  timezone: string;
  days: Array<{
    date: string;
    total: number;
    hours: Array<{ hour: string; appointments: AppointmentItem[] }>;
  }>;
};

const STATE_COLORS: Record<string, { background: string; text: string }> = {
  confirmed: { background: 'primary100', text: 'primary700' },
  requested: { background: 'warning100', text: 'warning700' },
  completed: { background: 'success100', text: 'success700' },
  no_show: { background: 'danger100', text: 'danger700' },
  cancelled: { background: 'neutral150', text: 'neutral600' },
};
export const StateBadge = ({ state }: { state: string }) => {
  const t = useT();
  return (
    <Badge backgroundColor={STATE_COLORS[state]?.background} textColor={STATE_COLORS[state]?.text}>
      {state in STATE_COLORS ? t(`state.${state}` as MessageKey) : state}
    </Badge>
  );
};

const dayLabel = (date: string, locale: string) =>
  new Date(`${date}T12:00:00Z`).toLocaleDateString(locale, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
  });
const CHANGES = ['completed', 'no_show', 'cancelled', 'confirmed'] as const;

export const Appointments = ({
  data,
  showCompany,
  onChangeState,
}: {
  data: AppointmentDays;
  showCompany: boolean;
  onChangeState: (documentId: string, state: string) => void;
}) => {
  const t = useT();
  const { locale } = useIntl();
  const days = data.days.filter((day, index) => index === 0 || day.total > 0);
  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      {days.map((day, index) => (
        <Box key={day.date} data-testid={index === 0 ? 'appointments-today' : undefined}>
          <Typography tag="h3" variant="omega" fontWeight="bold">
            {index === 0 ? t('appointments.today') : dayLabel(day.date, locale)} ·{' '}
            {t('appointments.count', { count: day.total })}
          </Typography>
          {day.total === 0 ? (
            <Typography variant="pi" textColor="neutral600">
              {t('appointments.none')}
            </Typography>
          ) : (
            <Table colCount={showCompany ? 6 : 5} rowCount={day.total + 1}>
              <HeaderRow
                labels={[
                  t('col.time'),
                  t('col.customer'),
                  t('col.service'),
                  t('col.state'),
                  showCompany && t('col.company'),
                  t('col.change'),
                ]}
              />
              <Tbody>
                {day.hours.flatMap((hour) =>
                  hour.appointments.map((appointment) => (
                    <Tr key={appointment.documentId} data-appointment={appointment.documentId}>
                      <Td>
                        <Typography>{appointment.time}</Typography>
                      </Td>
                      <Td>
                        <Typography>
                          {appointment.customer?.name ?? appointment.customer?.phone ?? '–'}
                        </Typography>
                      </Td>
                      <Td>
                        <Typography>{appointment.service ?? '–'}</Typography>
                      </Td>
                      <Td>
                        <StateBadge state={appointment.state} />
                      </Td>
                      {showCompany ? (
                        <Td>
                          <Typography>{appointment.company}</Typography>
                        </Td>
                      ) : null}
                      <Td>
                        <SimpleMenu label={t('change.label')} variant="tertiary" size="S">
                          {CHANGES.filter((state) => state !== appointment.state).map((state) => (
                            <MenuItem
                              key={state}
                              onSelect={() => onChangeState(appointment.documentId, state)}
                            >
                              {t(`change.${state}`)}
                            </MenuItem>
                          ))}
                        </SimpleMenu>
                      </Td>
                    </Tr>
                  ))
                )}
              </Tbody>
            </Table>
          )}
        </Box>
      ))}
    </Flex>
  );
};
