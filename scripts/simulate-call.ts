import { randomBytes } from 'crypto';
import path from 'path';
import dotenv from 'dotenv';
import { sign } from 'retell-sdk';
import { APP_DIR } from './lib/boot';

/**
 * `npm run simulate:call`: plays one whole phone call against a running instance, signed
 * like Retell signs: call_inbound, call_started, check_availability, book_appointment, call_ended,
 * call_analyzed. Prints what the agent would have said and what the server answered.
 *
 * Options (env or flags): SIMULATE_URL / --url (default http://127.0.0.1:$PORT),
 * --agent (default: the demo salon's agent), --service, --caller (E.164), --email, --staff (a
 * stylist as the caller names them, e.g. "bei Lisa"), --date (as said, default "morgen").
 */
dotenv.config({ path: path.join(APP_DIR, '.env') });

const flag = (name: string, fallback: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 && process.argv[index + 1] ? process.argv[index + 1] : fallback;
};

const baseUrl = flag(
  'url',
  process.env.SIMULATE_URL || `http://127.0.0.1:${process.env.PORT || 1337}`
);
const key = process.env.RETELL_API_KEY || '';
const agentId = flag('agent', 'agent_demo_salon_lindenblatt');
const service = flag('service', 'Damenhaarschnitt mit Föhnen');
const caller = flag('caller', `+4930555${String(1000 + Math.floor(Math.random() * 8999))}`);
const email = flag('email', 'anrufer@example.com');
// A stylist as the caller names them ("Lisa", "Herr Öztürk"); none: whoever is free.
const staff = flag('staff', '');
const wishedDate = flag('date', 'morgen');
const withStaff = staff ? { staff } : {};
const callId = `call_sim_${randomBytes(8).toString('hex')}`;
const startedAt = Date.now();

const call = (extra: Record<string, unknown> = {}) => ({
  call_id: callId,
  call_type: 'phone_call',
  agent_id: agentId,
  agent_version: 1,
  direction: 'inbound',
  from_number: caller,
  to_number: '+49305550100',
  call_status: 'ongoing',
  start_timestamp: startedAt,
  ...extra,
});

const post = async (route: string, payload: unknown) => {
  const body = JSON.stringify(payload);
  const response = await fetch(`${baseUrl}/api/retell/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-retell-signature': await sign(body, key) },
    body,
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text);
  } catch {
    json = { raw: text };
  }
  return { status: response.status, json };
};

const step = (label: string, result: { status: number; json: Record<string, unknown> }) => {
  const said =
    typeof result.json.message === 'string' ? `\n      agent says: "${result.json.message}"` : '';
  process.stdout.write(
    `  ${label.padEnd(24)} HTTP ${result.status} ${JSON.stringify(result.json).slice(0, 160)}${said}\n`
  );
  if (result.status >= 400) throw new Error(`${label} failed with HTTP ${result.status}`);
};

const main = async () => {
  if (!key) throw new Error('RETELL_API_KEY is not set (the demo command writes one into .env)');
  process.stdout.write(
    `\nSimulated call ${callId} from ${caller.slice(0, 6)}… to agent ${agentId} at ${baseUrl}\n\n`
  );

  // While the phone rings, Retell asks what the agent should know (the inbound webhook).
  const ringing = await post('inbound', {
    event: 'call_inbound',
    call_inbound: { agent_id: agentId, from_number: caller, to_number: '+49305550100' },
  });
  step('call_inbound', ringing);
  const variables = (ringing.json.call_inbound as { dynamic_variables?: Record<string, string> })
    ?.dynamic_variables;
  if (variables)
    process.stdout.write(
      `      the agent knows: ${variables.current_date}, ${variables.current_time} · ${variables.opening_hours_today} · ${variables.customer_known === 'true' ? `caller ${variables.customer_name}` : 'a new caller'}\n`
    );

  step('call_started', await post('webhook', { event: 'call_started', call: call() }));

  const availability = await post('functions/check_availability', {
    name: 'check_availability',
    call: call(),
    args: { service, date: wishedDate, preference: 'vormittags', ...withStaff },
  });
  step('check_availability', availability);
  const date = availability.json.date as string;
  const slots = (availability.json.slots as string[]) ?? [];
  if (!slots.length) throw new Error('no free slot offered; is the demo tenant seeded?');

  const booking = await post('functions/book_appointment', {
    name: 'book_appointment',
    call: call(),
    args: { customer_name: 'Simon Simulant', service, date, time: slots[0], email, ...withStaff },
  });
  step('book_appointment', booking);

  const endedAt = Date.now() + 90_000;
  const ended = call({
    call_status: 'ended',
    end_timestamp: endedAt,
    duration_ms: endedAt - startedAt,
    disconnection_reason: 'user_hangup',
    transcript: `Agent: Guten Tag!\nUser: Ich hätte gern einen Termin für ${service}.\n`,
  });
  step('call_ended', await post('webhook', { event: 'call_ended', call: ended }));
  step(
    'call_analyzed',
    await post('webhook', {
      event: 'call_analyzed',
      call: {
        ...ended,
        call_analysis: {
          call_summary: `Simon Simulant hat ${service} am ${date} um ${slots[0]} Uhr gebucht.`,
          user_sentiment: 'Positive',
          call_successful: true,
          custom_analysis_data: {
            customer_name: 'Simon Simulant',
            service,
            appointment_date: date,
            appointment_time: slots[0],
            booking_confirmed: booking.json.success === true,
          },
        },
      },
    })
  );

  process.stdout.write(
    `\nWhat happened: ${booking.json.success ? `appointment ${String(booking.json.booking_id)} booked for ${String(booking.json.start)}` : 'no appointment booked'}; ` +
      `the call, its transcript and summary are in the admin under Content Manager → Call (the worker applies the events within a second).\n\n`
  );
};

main().catch((error: unknown) => {
  process.stderr.write(
    `\nsimulate:call failed: ${error instanceof Error ? error.message : String(error)}\n`
  );
  process.exit(1);
});
