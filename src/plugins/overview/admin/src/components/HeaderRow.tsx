import { Th, Thead, Tr, Typography } from '@strapi/design-system';

/** The header row of the overview's tables. */
export const HeaderRow = ({ labels }: { labels: Array<string | null | false> }) => (
  <Thead>
    <Tr>
      {labels
        .filter((label): label is string => Boolean(label))
        .map((label) => (
          <Th key={label}>
            <Typography variant="sigma">{label}</Typography>
          </Th>
        ))}
    </Tr>
  </Thead>
);
