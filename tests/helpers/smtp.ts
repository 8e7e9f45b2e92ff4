import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'net';

/**
 * A real SMTP server on loopback that keeps what it receives, parsed. `stop()` and `start()`
 * take it away and bring it back on the same port, for outage tests.
 */
export const startSmtp = async () => {
  const messages: ParsedMail[] = [];
  let server: SMTPServer | null = null;
  let port = 0;
  const listen = async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        simpleParser(stream).then(
          (mail) => {
            messages.push(mail);
            callback();
          },
          (error) => callback(error)
        );
      },
    });
    const current = server;
    await new Promise<void>((resolve) => current.listen(port, '127.0.0.1', () => resolve()));
    port = (current.server.address() as AddressInfo).port;
  };
  const close = async () => {
    const current = server;
    server = null;
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
  };
  await listen();
  return {
    port,
    messages,
    env: {
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(port),
      SMTP_SECURE: 'false',
      SMTP_STARTTLS: 'false',
    },
    stop: close,
    start: listen,
    close,
  };
};

/** The calendar part of a received message, as text. */
export const calendarOf = (mail: ParsedMail) =>
  mail.attachments
    .find((attachment) => attachment.contentType.startsWith('text/calendar'))
    ?.content.toString('utf8') ?? '';
