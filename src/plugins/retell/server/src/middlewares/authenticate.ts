import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { verify } from 'retell-sdk';
import { getService } from '../utils';
import type { Agent } from '../services/agents';

/**
 * The one check every Retell request passes, in the contract's order: the signing key is
 * found from `call.agent_id` (the company's own key, else the platform key) and
 * `x-retell-signature` must verify over the exact raw bytes — awaited: retell-sdk's verify
 * returns a Promise, and an un-awaited Promise is always truthy.
 */
export const authenticateRetell = async (
  strapi: Core.Strapi,
  { raw, body, signature }: { raw: string; body: unknown; signature: string }
): Promise<Agent | null> => {
  const call =
    body && typeof body === 'object' ? (body as { call?: { agent_id?: unknown } }).call : undefined;
  const agents = getService(strapi, 'agents');
  const agent = typeof call?.agent_id === 'string' ? await agents.lookup(call.agent_id) : null;
  return verifySigned(strapi, { raw, signature, agent });
};

/** The signature check itself, for a request whose company (or none) is already known. */
export const verifySigned = async (
  strapi: Core.Strapi,
  { raw, signature, agent }: { raw: string; signature: string; agent: Agent | null }
): Promise<Agent | null> => {
  if (!signature) throw new errors.UnauthorizedError('Missing x-retell-signature');
  const key = getService(strapi, 'agents').signingKeyFor(agent);
  const valid = key ? await verify(raw, key, signature) : false;
  if (!valid) throw new errors.UnauthorizedError('Invalid or expired x-retell-signature');
  return agent;
};
