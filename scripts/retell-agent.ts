import Retell from 'retell-sdk';
import { run, withStrapi } from './lib/boot';
import { openSecret, runAsSystem } from '../src/tenancy';
import { agentConfig } from '../src/plugins/retell/server/src/agent-config';

/**
 * `npm run retell:agent -- --company <slug> [--url https://frontdesk.example] [--apply]`
 *
 * Prints the company's Retell configuration — tools with their argument schemas (the same zod
 * schemas that validate the arguments), end_call and transfer_call, the post-call analysis
 * fields, the webhook and inbound URLs, the prompt. With `--apply` it creates or updates the
 * Retell LLM and agent (a second run updates, creates nothing), publishes the agent, stores its
 * id on the company, and points the company's phone number at it and at the inbound webhook.
 * The Retell API key: the company's own, else RETELL_API_KEY; RETELL_BASE_URL overrides the
 * API's address (a local stand-in in the tests).
 */
const flag = (name: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? (process.argv[index + 1] ?? '') : null;
};

run(async () => {
  const slug = flag('company');
  if (!slug)
    throw new Error(
      'usage: npm run retell:agent -- --company <slug> [--url <public URL>] [--apply]'
    );
  const publicUrl = flag('url') || process.env.PUBLIC_URL || 'http://localhost:1337';
  const apply = process.argv.includes('--apply');

  await withStrapi(async (strapi) => {
    const company = await runAsSystem('retell:agent', () =>
      strapi.db.query('api::company.company').findOne({ where: { slug } })
    );
    if (!company) throw new Error(`no company with the slug "${slug}"`);
    const language = company.language === 'en' ? 'en' : 'de';
    const config = agentConfig(
      {
        name: company.name,
        slug: company.slug,
        language,
        phoneNumber: company.phoneNumber ?? null,
        retellAgentId: company.retellAgentId ?? null,
      },
      publicUrl
    );
    const printed = {
      urls: config.urls,
      llm: config.llm,
      agent: config.agent(
        company.retellAgentId ? '<the agent’s llm_id>' : '<llm_id of the new LLM>'
      ),
      phoneNumber: company.phoneNumber
        ? {
            number: company.phoneNumber,
            ...config.phoneNumber(company.retellAgentId ?? '<agent_id>'),
          }
        : null,
    };
    if (!apply) {
      process.stdout.write(`${JSON.stringify(printed, null, 2)}\n`);
      return;
    }

    const key =
      openSecret(company.retellApiKey, company.documentId, 'retellApiKey') ||
      process.env.RETELL_API_KEY;
    if (!key) throw new Error('no Retell API key: set the company’s key or RETELL_API_KEY');
    const client = new Retell({ apiKey: key, baseURL: process.env.RETELL_BASE_URL || undefined });

    let agentId: string | null = company.retellAgentId ?? null;
    let llmId: string | null = null;
    if (agentId) {
      const existing = await client.agent.retrieve(agentId);
      llmId =
        existing.response_engine.type === 'retell-llm' ? existing.response_engine.llm_id : null;
    }
    const created: string[] = [];
    if (llmId) await client.llm.update(llmId, config.llm);
    else {
      llmId = (await client.llm.create(config.llm)).llm_id;
      created.push(`LLM ${llmId}`);
    }
    let version: number;
    if (agentId) version = (await client.agent.update(agentId, config.agent(llmId))).version;
    else {
      const agent = await client.agent.create(config.agent(llmId));
      const newId = agent.agent_id;
      agentId = newId;
      version = agent.version;
      created.push(`agent ${newId}`);
      await runAsSystem('retell:agent', () =>
        strapi
          .documents('api::company.company')
          .update({ documentId: company.documentId, data: { retellAgentId: newId } })
      );
    }
    await client.agent.publish(agentId, { version });
    if (company.phoneNumber)
      await client.phoneNumber.update(company.phoneNumber, config.phoneNumber(agentId));
    process.stdout.write(
      [
        `Retell configured for ${company.name}:`,
        `  agent ${agentId} (version ${version} published), LLM ${llmId}`,
        created.length ? `  created: ${created.join(', ')}` : '  updated (nothing created)',
        company.phoneNumber
          ? `  phone number ${company.phoneNumber}: inbound agent and webhook ${config.urls.inbound}`
          : '  no phone number on the company: point your number at the inbound webhook yourself',
        `  webhook ${config.urls.webhook}`,
        '',
      ].join('\n')
    );
  });
});
