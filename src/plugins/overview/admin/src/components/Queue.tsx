import { Badge, Button, Flex, Table, Tbody, Td, Tr, Typography } from '@strapi/design-system';
import { HeaderRow } from './HeaderRow';
import { useT, type MessageKey } from '../i18n';

export type QueueData = {
  waiting: number;
  active: number;
  failed: number;
  ignored: number;
  processed: number;
  events: Array<{
    documentId: string;
    state: string;
    attempts: number;
    event: string;
    callId: string;
    lastError: string | null;
    receivedAt: string | null;
  }>;
};

export const Queue = ({
  data,
  onReplay,
}: {
  data: QueueData;
  onReplay: (documentId: string) => void;
}) => {
  const t = useT();
  return (
    <Flex direction="column" alignItems="stretch" gap={3}>
      <Flex gap={3} wrap="wrap">
        {(
          [
            ['waiting', data.waiting],
            ['active', data.active],
            ['failed', data.failed],
            ['ignored', data.ignored],
            ['processed', data.processed],
          ] as Array<[string, number]>
        ).map(([label, value]) => (
          <Badge
            key={label}
            data-testid={`queue-${label}`}
            backgroundColor={label === 'failed' && value > 0 ? 'danger100' : 'neutral150'}
          >
            {t(`queue.${label}` as MessageKey)}: {value}
          </Badge>
        ))}
      </Flex>
      {data.events.length === 0 ? (
        <Typography variant="pi" textColor="neutral600">
          {t('queue.none')}
        </Typography>
      ) : (
        <Table colCount={5} rowCount={data.events.length + 1}>
          <HeaderRow
            labels={[
              t('col.received'),
              t('col.event'),
              t('col.state'),
              t('col.error'),
              t('col.action'),
            ]}
          />
          <Tbody>
            {data.events.map((event) => (
              <Tr key={event.documentId}>
                <Td>
                  <Typography>
                    {event.receivedAt ? new Date(event.receivedAt).toLocaleString() : '–'}
                  </Typography>
                </Td>
                <Td>
                  <Typography>
                    {event.event} · {event.callId}
                  </Typography>
                </Td>
                <Td>
                  <Typography>
                    {event.state} ({event.attempts}×)
                  </Typography>
                </Td>
                <Td style={{ maxWidth: 320 }}>
                  <Typography ellipsis title={event.lastError ?? ''}>
                    {event.lastError ?? '–'}
                  </Typography>
                </Td>
                <Td>
                  <Button size="S" variant="secondary" onClick={() => onReplay(event.documentId)}>
                    {t('queue.replay')}
                  </Button>
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
    </Flex>
  );
};
