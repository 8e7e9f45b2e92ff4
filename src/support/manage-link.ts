import { ConfigError, requireSecretList } from './env';
import { signManageToken } from '../domain/manage-token';

/**
 * The customer's links, absolute: the page for an appointment (`/termin/<token>`) and its
 * reminder opt-out. Signed with the first of MANAGE_LINK_SECRETS (all of them verify, for
 * rotation); the base is PUBLIC_URL, else this server's own address.
 */
export const MANAGE_PATH = '/termin/';

/** At least one secret, each long enough that it cannot be guessed (`openssl rand -base64 32`). */
export const manageSecrets = (): string[] => {
  const secrets = requireSecretList('MANAGE_LINK_SECRETS');
  if (secrets.length === 0 || secrets.some((secret) => secret.length < 32))
    throw new ConfigError(
      'MANAGE_LINK_SECRETS must hold one or more secrets of at least 32 characters (openssl rand -base64 32)'
    );
  return secrets;
};

export const publicBaseUrl = (): string => {
  let configured = (process.env.PUBLIC_URL || '').trim();
  while (configured.endsWith('/')) configured = configured.slice(0, -1);
  if (configured) return configured;
  const host = process.env.HOST && process.env.HOST !== '0.0.0.0' ? process.env.HOST : 'localhost';
  return `http://${host}:${process.env.PORT || 1337}`;
};

export type LinkTarget = {
  id: number;
  sequence: number;
  customerId: number;
  endsAt: string | Date;
};

/** The link of a customer message: the appointment at that message's change, until it ends. */
export const linkTargetOf = (
  appointment: { id: number; customer?: { id: number } | null },
  row: { sequence: number; snapshot: unknown }
): LinkTarget => ({
  id: appointment.id,
  sequence: row.sequence,
  customerId: Number(appointment.customer?.id),
  endsAt: (row.snapshot as { endsAt: string }).endsAt,
});

export const manageToken = ({ id, sequence, customerId, endsAt }: LinkTarget): string =>
  signManageToken(
    { appointmentId: id, sequence, customerId, expiresAt: new Date(endsAt).getTime() },
    manageSecrets()[0]
  );

export const manageUrl = (target: LinkTarget): string =>
  `${publicBaseUrl()}${MANAGE_PATH}${manageToken(target)}`;

export const optOutUrl = (target: LinkTarget): string => `${manageUrl(target)}/reminders-off`;
