import { DateTime } from 'luxon';
import { renderEmail, renderSms, type MessageFacts } from './messages';

const facts = (over: Partial<MessageFacts> = {}): MessageFacts => ({
  kind: 'confirmation',
  language: 'de',
  company: { name: 'Salon <Süd>', phoneNumber: '+4930123456', address: 'Hauptstr. 1' },
  customerName: 'Eva "Evi" Meier',
  service: 'Schnitt & Föhnen',
  staff: 'Anna',
  start: DateTime.fromISO('2030-03-05T10:00', { zone: 'Europe/Berlin' }),
  manageUrl: 'https://frontdesk.example/termin/1.0.abc.AAAAAAAAAAAAAAAAAAAAAA',
  ...over,
});

describe('customer emails', () => {
  it('carry the manage link in text and HTML, every fact escaped in the HTML', () => {
    const { text, html } = renderEmail(facts());
    expect(text).toContain(
      'Termin ansehen, verschieben oder absagen: https://frontdesk.example/termin/1.0.abc.AAAAAAAAAAAAAAAAAAAAAA'
    );
    expect(html).toContain(
      '<a href="https://frontdesk.example/termin/1.0.abc.AAAAAAAAAAAAAAAAAAAAAA">Termin ansehen'
    );
    expect(html).toContain('Salon &lt;Süd&gt;');
    expect(html).toContain('Eva &quot;Evi&quot; Meier');
    expect(html).toContain('Schnitt &amp; Föhnen bei Anna');
    expect(html).not.toContain('<Süd>');
  });

  it('a reminder carries the opt-out link; other messages do not', () => {
    const optOutUrl = 'https://frontdesk.example/termin/x/reminders-off';
    expect(renderEmail(facts({ kind: 'reminder', optOutUrl })).text).toContain(
      `Keine Erinnerungen mehr erhalten: ${optOutUrl}`
    );
    expect(renderEmail(facts({ kind: 'confirmation', optOutUrl })).text).not.toContain(optOutUrl);
    expect(renderEmail(facts({ kind: 'reminder', optOutUrl, language: 'en' })).text).toContain(
      `Stop these reminders: ${optOutUrl}`
    );
  });
});

describe('text messages', () => {
  it('carry the link where it fits one message, else the number', () => {
    expect(renderSms(facts({ company: { name: 'Salon', phoneNumber: '+4930123456' } }))).toContain(
      'Ändern/absagen: https://frontdesk.example/termin/'
    );
    const long = renderSms(
      facts({
        company: { name: 'Friseursalon Haargenau am Kurfürstendamm', phoneNumber: '+4930123456' },
        service: 'Balayage mit Pflege und Schnitt',
      })
    );
    expect(long).not.toContain('https://');
    expect(long).toContain('Absage: +4930123456');
    expect(long.length).toBeLessThanOrEqual(160);
  });
});
