import fs from 'fs';
import path from 'path';
import { symmetric } from 'retell-sdk/lib/webhook_auth';
import type { TestApp } from './app';
import { TEST_RETELL_KEY } from '../setup/env';

/** Retell's side of the wire: fixture bytes, signed the way Retell signs them. */
const FIXTURES = path.join(__dirname, '..', 'fixtures', 'retell');

export const FIXTURE_AGENT = 'agent_3f7d1c0b9e2a64f85d1b7c3e20';
export const FIXTURE_CALL = 'call_5e0c2a9f41d7b36e8a12c4f09d';
export const FIXTURE_CALLER = '+49305550147';

/** The exact bytes of a fixture file (pretty-printed, UTF-8, trailing newline). */
export const fixture = (name: string): string =>
  fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8');

/** A fixture for another call or agent: the same bytes with the ids replaced. */
export const fixtureFor = (
  name: string,
  { callId, agentId, caller }: { callId?: string; agentId?: string; caller?: string }
) => {
  let body = fixture(name);
  if (callId) body = body.split(FIXTURE_CALL).join(callId);
  if (agentId) body = body.split(FIXTURE_AGENT).join(agentId);
  if (caller)
    body = body.split(`"from_number": "${FIXTURE_CALLER}"`).join(`"from_number": "${caller}"`);
  return body;
};

export const signature = (body: string, key = TEST_RETELL_KEY, timestamp = Date.now()) =>
  symmetric.sign(body, key, timestamp);

export const postSigned = async (
  app: TestApp,
  route: string,
  body: string,
  { key = TEST_RETELL_KEY, header }: { key?: string; header?: string } = {}
) =>
  app.http
    .post(`/api/retell/${route}`)
    .set('content-type', 'application/json')
    .set('x-retell-signature', header ?? (await signature(body, key)))
    .send(body);

export const webhook = (app: TestApp, body: string, options?: { key?: string; header?: string }) =>
  postSigned(app, 'webhook', body, options);

export const callFunction = (
  app: TestApp,
  name: string,
  payload: unknown,
  options?: { key?: string }
) =>
  postSigned(
    app,
    `functions/${name}`,
    typeof payload === 'string' ? payload : JSON.stringify(payload),
    options
  );

/** Polls until `check` returns a truthy value (or fails with the last value). */
export const eventually = async <T>(
  check: () => Promise<T>,
  { timeoutMs = 15_000, intervalMs = 100 } = {}
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  let last: T = await check();
  while (!last && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    last = await check();
  }
  if (!last) throw new Error(`condition not met within ${timeoutMs} ms`);
  return last;
};

export const inboxRows = (app: TestApp, callId: string) =>
  app.strapi.db
    .connection('retell_webhook_events')
    .where('call_id', callId)
    .orderBy('id')
    .select('id', 'event', 'state', 'attempts', 'last_error', 'company_id');
