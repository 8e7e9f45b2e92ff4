import { Badge, Flex, Link, Table, Tbody, Td, Tr, Typography } from '@strapi/design-system';
import { HeaderRow } from './HeaderRow';
import { formatDuration } from '../api';
import { useIntl } from 'react-intl';
import { useT, type MessageKey } from '../i18n';

export type CallItem = {
  documentId: string;
  state: string;
  startedAt: string;
  durationMs: number | null;
  summary: string | null;
  recordingUrl: string | null;
  outcome: 'booked' | 'not booked' | 'in progress';
  /** Handed over to a person (the agent's transfer): how it went. */
  transfer: { outcome: string; destination: string | null } | null;
  customer: { documentId: string; name: string | null } | null;
  appointment: { documentId: string; startsAt: string; state: string } | null;
  company: string | null;
};
export type CallsData = { live: CallItem[]; recent: CallItem[] };

const CM = '/admin/content-manager/collection-types';
const when = (iso: string, locale: string) =>
  new Date(iso).toLocaleString(locale, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
const OUTCOME: Record<string, [string, string]> = {
  booked: ['success100', 'success700'],
  'not booked': ['neutral150', 'neutral700'],
  'in progress': ['warning100', 'warning700'],
};

export const Calls = ({ data, showCompany }: { data: CallsData; showCompany: boolean }) => {
  const t = useT();
  const { locale } = useIntl();
  return (
    <Flex direction="column" alignItems="stretch" gap={3}>
      <Typography variant="omega" data-testid="live-calls">
        {data.live.length === 0 ? t('calls.none') : t('calls.live', { count: data.live.length })}
      </Typography>
      <Table colCount={showCompany ? 7 : 6} rowCount={data.recent.length + 1}>
        <HeaderRow
          labels={[
            t('col.started'),
            t('col.customer'),
            t('col.duration'),
            t('col.outcome'),
            t('col.summary'),
            showCompany && t('col.company'),
            t('col.links'),
          ]}
        />
        <Tbody>
          {data.recent.map((call) => (
            <Tr key={call.documentId}>
              <Td>
                <Typography>{when(call.startedAt, locale)}</Typography>
              </Td>
              <Td>
                <Typography>{call.customer?.name ?? '–'}</Typography>
              </Td>
              <Td>
                <Typography>{formatDuration(call.durationMs)}</Typography>
              </Td>
              <Td>
                <Badge
                  backgroundColor={OUTCOME[call.outcome][0]}
                  textColor={OUTCOME[call.outcome][1]}
                >
                  {t(`outcome.${call.outcome}` as MessageKey)}
                </Badge>
                {call.transfer ? (
                  <Badge
                    marginLeft={1}
                    title={`${call.transfer.outcome}${call.transfer.destination ? ` → ${call.transfer.destination}` : ''}`}
                  >
                    {t('calls.transferred')}
                  </Badge>
                ) : null}
              </Td>
              <Td style={{ maxWidth: 360 }}>
                <Typography ellipsis title={call.summary ?? ''}>
                  {call.summary ?? '–'}
                </Typography>
              </Td>
              {showCompany ? (
                <Td>
                  <Typography>{call.company}</Typography>
                </Td>
              ) : null}
              <Td>
                <Flex gap={2}>
                  <Link href={`${CM}/api::call.call/${call.documentId}`}>
                    {t('link.transcript')}
                  </Link>
                  {call.recordingUrl && /^https?:\/\//i.test(call.recordingUrl) ? (
                    <Link href={call.recordingUrl} isExternal>
                      {t('link.recording')}
                    </Link>
                  ) : null}
                  {call.appointment ? (
                    <Link
                      href={`${CM}/api::appointment.appointment/${call.appointment.documentId}`}
                    >
                      {t('link.appointment')}
                    </Link>
                  ) : null}
                </Flex>
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
    </Flex>
  );
};
