/**
 * What the console reads besides callers and agents: the set-up a belplan needs (the Webhook
 * app's URL per profile, its timeout, the Voorwaarde-app's branches, read from the deployed
 * profiles so they cannot drift apart) and what each source of facts did in the last day.
 *
 *   GET /setup      the profiles' answers, the timeout, how soon an agent change reaches calls
 *   GET /activity   per source (each connector, the AI Notulist): its last delivery and its last 24 hours
 */
import { isAttribute, placeholders } from '../domain/tokens';
import { type AdminRoute, companyOf, json } from './request';

/** What one profile can answer, for the Voorwaarde-app's branches. */
interface ProfileAnswer {
  answer: string;
  rule: string;
  /** `literal`: a branch of its own; `agent`/`attribute`: a value inserted, one branch per value. */
  kind: 'literal' | 'agent' | 'attribute';
}

export const setupRoute: AdminRoute = async (context, admin) => {
  companyOf(context, admin);
  const { config } = context;
  admin.entry.reason = 'setup';
  const profiles = [...config.profiles].map(([name, profile]) => ({
    name,
    answers: profile.rules.map((rule): ProfileAnswer => {
      const [inserted] = placeholders(rule.answer);
      if (inserted === undefined) return { answer: rule.answer, rule: rule.name, kind: 'literal' };
      return {
        answer: `{${inserted}}`,
        rule: rule.name,
        kind: isAttribute(inserted) ? 'attribute' : 'agent',
      };
    }),
    fallback: profile.fallback,
    anonymous: profile.anonymous,
  }));
  return json(200, {
    webhookUrl: config.webhookUrl ?? null,
    belplanTimeoutMs: config.belplanTimeoutMs,
    agentCacheSeconds: config.agentCacheSeconds,
    profiles,
  });
};

export const activityRoute: AdminRoute = async (context, admin) => {
  const comId = companyOf(context, admin);
  admin.entry.reason = 'activity';
  return json(200, { sources: await context.stores.activity.recent(comId, admin.nowMs) });
};
