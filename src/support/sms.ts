import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { oneOfFromEnv } from './env';

/**
 * Text messages through a provider's HTTP API, chosen by env (SMS_PROVIDER): seven.io, sipgate
 * or Twilio (German providers first). Each adapter is a plain HTTPS request with the
 * provider's authentication; the base URL is configurable (the tests point it at a local
 * stand-in that records the requests). A refusal by the provider throws: the outbox retries.
 */
export const SMS_PROVIDERS = ['none', 'sevenio', 'sipgate', 'twilio'] as const;
export type SmsProvider = (typeof SMS_PROVIDERS)[number];
export type Sms = { to: string; text: string; from: string };
export type SmsConfig = {
  provider: SmsProvider;
  from: string;
  sevenio: { url: string; apiKey: string };
  sipgate: { url: string; tokenId: string; token: string; smsId: string };
  twilio: { url: string; accountSid: string; authToken: string; from: string };
};

export const smsConfig = (): SmsConfig => ({
  provider: oneOfFromEnv('SMS_PROVIDER', SMS_PROVIDERS, 'none'),
  from: (process.env.SMS_FROM || 'Frontdesk').slice(0, 11),
  sevenio: {
    url: process.env.SEVENIO_URL || 'https://gateway.seven.io/api',
    apiKey: process.env.SEVENIO_API_KEY || '',
  },
  sipgate: {
    url: process.env.SIPGATE_URL || 'https://api.sipgate.com/v2',
    tokenId: process.env.SIPGATE_TOKEN_ID || '',
    token: process.env.SIPGATE_TOKEN || '',
    smsId: process.env.SIPGATE_SMS_ID || 's0',
  },
  twilio: {
    url: process.env.TWILIO_URL || 'https://api.twilio.com',
    accountSid: process.env.TWILIO_ACCOUNT_SID || '',
    authToken: process.env.TWILIO_AUTH_TOKEN || '',
    from: process.env.TWILIO_FROM || '',
  },
});

/**
 * The provider for a company: its own choice (`smsProvider`, any but `platform`) among those the
 * platform holds credentials for, else SMS_PROVIDER; and its own sender name (`smsFrom`).
 */
export const companySms = (
  config: SmsConfig,
  company: { smsProvider?: string | null; smsFrom?: string | null }
): SmsConfig => {
  const own = (SMS_PROVIDERS as readonly string[]).includes(company.smsProvider ?? '')
    ? (company.smsProvider as SmsProvider)
    : config.provider;
  return { ...config, provider: own, from: company.smsFrom?.trim().slice(0, 11) || config.from };
};

/** Whether the platform holds what `provider` needs to send. */
export const hasCredentials = (config: SmsConfig): boolean => {
  switch (config.provider) {
    case 'sevenio':
      return !!config.sevenio.apiKey;
    case 'sipgate':
      return !!config.sipgate.tokenId && !!config.sipgate.token;
    case 'twilio':
      return !!config.twilio.accountSid && !!config.twilio.authToken;
    default:
      return false;
  }
};

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const refused = async (provider: string, response: Response) => {
  if (response.ok) return;
  // The provider's status only: its body may echo the number or the text.
  throw new Error(`${provider} refused the message (HTTP ${response.status})`);
};

const TIMEOUT_MS = 10_000;

export const sendSms = async (config: SmsConfig, sms: Sms): Promise<void> => {
  const signal = AbortSignal.timeout(TIMEOUT_MS);
  switch (config.provider) {
    case 'sevenio': {
      const response = await fetch(`${config.sevenio.url.replace(/\/+$/, '')}/sms`, {
        method: 'POST',
        signal,
        headers: {
          'X-Api-Key': config.sevenio.apiKey,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify({ to: sms.to, text: sms.text, from: sms.from }),
      });
      await refused('seven.io', response);
      // seven.io answers 200 with its own code: 100 (or 101, some sent) means sent.
      const body = (await response.json().catch(() => ({}))) as { success?: unknown };
      if (body.success !== undefined && !['100', '101', 100, 101].includes(body.success as string))
        throw new Error(`seven.io refused the message (code ${String(body.success).slice(0, 8)})`);
      return;
    }
    case 'sipgate': {
      const response = await fetch(`${config.sipgate.url.replace(/\/+$/, '')}/sessions/sms`, {
        method: 'POST',
        signal,
        headers: {
          authorization: basic(config.sipgate.tokenId, config.sipgate.token),
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          smsId: config.sipgate.smsId,
          recipient: sms.to,
          message: sms.text,
        }),
      });
      return refused('sipgate', response);
    }
    case 'twilio': {
      const { accountSid, authToken, from } = config.twilio;
      const response = await fetch(
        `${config.twilio.url.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`,
        {
          method: 'POST',
          signal,
          headers: {
            authorization: basic(accountSid, authToken),
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams({
            To: sms.to,
            From: from || sms.from,
            Body: sms.text,
          }).toString(),
        }
      );
      return refused('Twilio', response);
    }
    default:
      throw new Error('no SMS provider is configured (SMS_PROVIDER)');
  }
};

/** Only mobile numbers get text messages (libphonenumber's type of the number). */
export const isMobile = (phone: string | null | undefined): boolean => {
  if (!phone || phone.length > 32) return false;
  const type = parsePhoneNumberFromString(phone)?.getType();
  return type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE';
};

export { smsSegments } from '../domain/sms-segments';
