import winston from 'winston';
import { Writable } from 'stream';
import { maskPhone, redactFormat } from './redact';

describe('log redaction', () => {
  it('masks E.164 numbers, also URL-encoded, and leaves dates and ids alone', () => {
    expect(maskPhone('caller +49305550147 booked')).toBe('caller +493…47 booked');
    expect(maskPhone('GET /api/customers?filters[phone][$eq]=%2B49305550147')).toBe(
      'GET /api/customers?filters[phone][$eq]=+493…47'
    );
    expect(maskPhone('2026-03-12T10:30:00Z call_5e0c2a9f41d7b36e8a12c4f09d 1773130445123')).toBe(
      '2026-03-12T10:30:00Z call_5e0c2a9f41d7b36e8a12c4f09d 1773130445123'
    );
  });

  it('redacts phone numbers and secrets in structured log fields', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = winston.createLogger({
      format: winston.format.combine(redactFormat(), winston.format.json()),
      transports: [new winston.transports.Stream({ stream: sink })],
    });
    logger.info('booked for +49305550147', {
      customer: { phone: '+49305550147' },
      retellApiKey: 'key_live_1',
      apiKey: 'k',
    });
    const line = lines.join('');
    expect(line).not.toContain('+49305550147');
    expect(line).not.toContain('key_live_1');
    expect(line).toContain('+493…47');
  });
});
