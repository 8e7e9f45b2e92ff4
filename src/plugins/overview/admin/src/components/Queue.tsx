import { Badge, Button, Flex, Table, Tbody, Td, Tr, Typography } from '@strapi/design-system';
import { HeaderRow } from './HeaderRow';

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
}) => (
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
          {label}: {value}
        </Badge>
      ))}
    </Flex>
    {data.events.length === 0 ? (
      <Typography variant="pi" textColor="neutral600">
        No failed or ignored webhook events.
      </Typography>
    ) : (
      <Table colCount={5} rowCount={data.events.length + 1}>
        <HeaderRow labels={['Received', 'Event', 'State', 'Error', 'Action']} />
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
                  Replay
                </Button>
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
    )}
  </Flex>
);
