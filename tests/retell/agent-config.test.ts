import http from 'http';
import { execFile } from 'child_process';
import path from 'path';
import { promisify } from 'util';
import { ROOT, startApp, stopApp, type TestApp } from '../helpers/app';
import { createCompany, type Company } from '../helpers/tenants';
import { toolParameters, WEBHOOK_EVENTS } from '../../src/plugins/retell/server/src/agent-config';
import { FUNCTION_ARGS, FunctionArgsSchema } from '../../src/plugins/retell/server/src/schemas';
import { FUNCTION_NAMES } from '../../src/plugins/retell/server/src/services/functions';
import { HANDLED_EVENTS } from '../../src/plugins/retell/server/src/events';

/**
 * `npm run retell:agent`: the configuration a company's Retell agent needs, from the product.
 * The tool schemas are generated from the zod schemas that validate the arguments; `--apply`
 * talks to Retell's API through retell-sdk — here a local HTTP server standing in for it that
 * records every request —, creates the LLM and the agent once and updates them afterwards.
 */
const run = promisify(execFile);
type Recorded = { method: string; path: string; body: Record<string, unknown>; auth: string };
let app: TestApp;
let company: Company;
let fake: http.Server;
let fakeUrl = '';
const requests: Recorded[] = [];
const PHONE = '+4930555017711';

const AGENT = {
  agent_id: 'agent_fake_1',
  response_engine: { type: 'retell-llm', llm_id: 'llm_fake_1' },
};
let agentVersion = 0;
const answer = (method: string, route: string): unknown => {
  if (method === 'POST' && route === '/create-retell-llm') return { llm_id: 'llm_fake_1' };
  if (method === 'PATCH' && route === '/update-retell-llm/llm_fake_1')
    return { llm_id: 'llm_fake_1' };
  if (method === 'POST' && route === '/create-agent') return { ...AGENT, version: agentVersion };
  if (method === 'GET' && route === '/get-agent/agent_fake_1')
    return { ...AGENT, version: agentVersion };
  if (method === 'PATCH' && route === '/update-agent/agent_fake_1')
    return { ...AGENT, version: (agentVersion += 1) };
  if (method === 'POST' && route === '/publish-agent-version/agent_fake_1') return {};
  if (method === 'PATCH' && route === `/update-phone-number/${PHONE}`)
    return { phone_number: PHONE };
  return null;
};

const agentCommand = (...args: string[]) =>
  run(process.execPath, [path.join(ROOT, 'dist', 'scripts', 'retell-agent.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, RETELL_BASE_URL: fakeUrl, LOG_LEVEL: 'error' },
    timeout: 120_000,
  });

beforeAll(async () => {
  fake = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const route = decodeURIComponent((req.url ?? '').split('?')[0]);
      requests.push({
        method: req.method ?? '',
        path: route,
        body: raw ? JSON.parse(raw) : {},
        auth: String(req.headers.authorization ?? ''),
      });
      const body = answer(req.method ?? '', route);
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body ?? { error: 'not found' }));
    });
  });
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  fakeUrl = `http://127.0.0.1:${(fake.address() as { port: number }).port}`;
  app = await startApp({ WEBHOOK_WORKER: 'off' });
  company = await createCompany(app.strapi, {
    name: 'Salon Konfiguration',
    slug: 'salon-konfiguration',
    phoneNumber: PHONE,
    retellAgentId: null,
  });
}, 60_000);
afterAll(async () => {
  await stopApp(app);
  await new Promise((resolve) => fake.close(resolve));
});

it('generates a tool for every function we serve, its parameters those the validator reads', () => {
  expect(Object.keys(FUNCTION_ARGS).sort()).toEqual([...FUNCTION_NAMES].sort());
  const validated = Object.keys(FunctionArgsSchema.shape);
  for (const name of FUNCTION_NAMES) {
    const parameters = toolParameters(name);
    expect(parameters.type).toBe('object');
    expect(Object.keys(parameters.properties).sort()).toEqual(
      Object.keys(FUNCTION_ARGS[name].shape).sort()
    );
    for (const [key, property] of Object.entries(parameters.properties)) {
      expect(validated).toContain(key);
      expect(property).toMatchObject({ type: 'string', description: expect.any(String) });
    }
    // What the schema describes, the validator accepts as it is.
    const sample = Object.fromEntries(Object.keys(parameters.properties).map((key) => [key, 'x']));
    expect(FunctionArgsSchema.parse(sample)).toEqual(sample);
  }
  // The agent is subscribed to exactly the events we apply.
  expect([...WEBHOOK_EVENTS].sort()).toEqual([...HANDLED_EVENTS].sort());
});

it('prints the configuration without --apply, and sends nothing', async () => {
  const { stdout } = await agentCommand(
    '--company',
    'salon-konfiguration',
    '--url',
    'https://fd.example'
  );
  const printed = JSON.parse(stdout.slice(stdout.indexOf('{')));
  expect(printed.urls).toEqual({
    webhook: 'https://fd.example/api/retell/webhook',
    inbound: 'https://fd.example/api/retell/inbound',
    functions: 'https://fd.example/api/retell/functions/<name>',
  });
  const tools = printed.llm.general_tools as Array<{ type: string; name: string; url?: string }>;
  expect(
    tools
      .filter((tool) => tool.type === 'custom')
      .map((tool) => tool.name)
      .sort()
  ).toEqual([...FUNCTION_NAMES].sort());
  expect(tools.map((tool) => tool.type)).toEqual(
    expect.arrayContaining(['end_call', 'transfer_call'])
  );
  expect(printed.llm.general_prompt).toContain('{{current_date}}');
  expect(
    printed.agent.post_call_analysis_data.map((field: { name: string }) => field.name)
  ).toEqual(
    expect.arrayContaining(['customer_name', 'service', 'appointment_date', 'appointment_time'])
  );
  expect(requests).toHaveLength(0);
}, 120_000);

it('--apply creates the LLM and the agent once, points the number at them, and a second run only updates', async () => {
  await agentCommand('--company', 'salon-konfiguration', '--url', 'https://fd.example', '--apply');
  expect(requests.map((request) => `${request.method} ${request.path}`)).toEqual([
    'POST /create-retell-llm',
    'POST /create-agent',
    'POST /publish-agent-version/agent_fake_1',
    `PATCH /update-phone-number/${PHONE}`,
  ]);
  expect(requests.every((request) => request.auth === `Bearer ${process.env.RETELL_API_KEY}`)).toBe(
    true
  );
  const [llm, agent, publish, phone] = requests;
  const tools = llm.body.general_tools as Array<Record<string, unknown>>;
  const book = tools.find((tool) => tool.name === 'book_appointment');
  expect(book).toMatchObject({
    type: 'custom',
    url: 'https://fd.example/api/retell/functions/book_appointment',
    parameters: toolParameters('book_appointment'),
  });
  expect(tools.find((tool) => tool.type === 'transfer_call')).toMatchObject({
    transfer_destination: { type: 'predefined', number: '{{forwarding_number}}' },
  });
  expect(agent.body).toMatchObject({
    response_engine: { type: 'retell-llm', llm_id: 'llm_fake_1' },
    language: 'de-DE',
    webhook_url: 'https://fd.example/api/retell/webhook',
    webhook_events: [...WEBHOOK_EVENTS],
  });
  expect(publish.body).toEqual({ version: 0 });
  expect(phone.body).toEqual({
    inbound_agent_id: 'agent_fake_1',
    inbound_webhook_url: 'https://fd.example/api/retell/inbound',
  });
  const stored = await app.strapi.db.connection('companies').where('id', company.id).first();
  expect(stored.retell_agent_id).toBe('agent_fake_1');

  requests.length = 0;
  await agentCommand('--company', 'salon-konfiguration', '--url', 'https://fd.example', '--apply');
  expect(requests.map((request) => `${request.method} ${request.path}`)).toEqual([
    'GET /get-agent/agent_fake_1',
    'PATCH /update-retell-llm/llm_fake_1',
    'PATCH /update-agent/agent_fake_1',
    'POST /publish-agent-version/agent_fake_1',
    `PATCH /update-phone-number/${PHONE}`,
  ]);
  expect(requests[3].body).toEqual({ version: 1 });
}, 240_000);
