/**
 * `npm run callers -- explain NUMBER`: how the webhook would route a caller now, and why, as
 * the admin API's `GET /callers/{number}/route` of the running product says it (so with its
 * own profiles and roster): `npm start`'s, or a deployment's with --admin-url and --admin-token.
 */
import type { Command } from 'commander';
import type { Explanation, Sources } from '../../lambda/admin/explanation';
import { DEMO_COMPANY } from '../../local/demo';
import { readState } from '../../local/state';
import { CliError, isNotListening, notRunning } from '../cli';

interface ExplainFlags {
  profile: string;
  adminUrl?: string;
  adminToken?: string;
  comId?: string;
}

/** Adds `explain` to `cli`. */
export function registerExplainCommand(cli: Command): void {
  const command = cli
    .command('explain <number>')
    .description('how the webhook would answer this caller now, and why')
    .option('--profile <name>', 'the profile of the belplan URL', 'default')
    .option('--admin-url <url>', "a deployment's AdminUrl output (default: the local npm start)")
    .option('--admin-token <token>', 'its admin token');
  command.action(async (number: string) => explain(number, command.optsWithGlobals<ExplainFlags>()));
}

async function explain(number: string, flags: ExplainFlags): Promise<void> {
  const state = flags.adminUrl ? undefined : readState();
  const base = flags.adminUrl ?? state?.url;
  const token = flags.adminToken ?? state?.adminToken;
  if (!base || !token) {
    throw new CliError(
      'no `npm start` found: start it with `npm start`, or pass --admin-url and --admin-token',
    );
  }
  const url = new URL(`callers/${encodeURIComponent(number)}/route`, base.endsWith('/') ? base : `${base}/`);
  url.searchParams.set('com_id', flags.comId ?? state?.comId ?? DEMO_COMPANY);
  url.searchParams.set('profile', flags.profile);
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    if (isNotListening(error)) throw notRunning(base);
    throw error;
  }
  const body = (await response.json()) as Explanation & { error?: string };
  if (!response.ok) throw new CliError(body.error ?? `the admin API answered ${response.status}`, 1);
  console.log(describe(body));
}

function describe(explanation: Explanation): string {
  const lines = [
    `${explanation.number} with profile ${explanation.profile} → ${explanation.answer}`,
    `  rule: ${explanation.rule ?? '-'}`,
    ...explanation.skipped.map((skip) => `  skipped ${skip.rule}: ${skip.because}`),
    `  facts: ${explanation.known ? JSON.stringify(explanation.facts) : 'none (an unknown caller)'}`,
    ...(explanation.sources ? sourceLines(explanation.sources) : []),
    ...explanation.agents.map(
      (agent) =>
        `  agent ${agent.agent}: ${agent.available ? 'available' : `unavailable${agent.until ? ` until ${agent.until}` : ''}`}`,
    ),
  ];
  return lines.join('\n');
}

/** One line per source of a fact: `openInvoices from moneybird contact 42: 2 (invoice 9001 late since …)`. */
function sourceLines(sources: Sources): string[] {
  const from = (source: string, contact?: string) => (contact ? `${source} contact ${contact}` : source);
  const lines = sources.openInvoices.map((entry) => {
    const invoices = (entry.invoices ?? []).map((invoice) =>
      `invoice ${invoice.id} ${invoice.state ?? ''} ${invoice.updatedAt ?? ''}`.trim(),
    );
    return `  openInvoices from ${from(entry.source, entry.contact)}: ${entry.count}${invoices.length ? ` (${invoices.join('; ')})` : ''}`;
  });
  const ticket = sources.ticketAgent;
  if (ticket) {
    const which = ticket.ticket
      ? ` ticket ${ticket.ticket} (${ticket.state ?? '?'}, ${ticket.updatedAt ?? '?'})`
      : '';
    lines.push(
      `  ticketAgent from ${from(ticket.source, ticket.contact)}${which}: ${ticket.agent ?? `none, ${ticket.why ?? ''}`}`,
    );
  }
  for (const entry of sources.attributes)
    lines.push(`  attributes from ${from(entry.source, entry.contact)}: ${JSON.stringify(entry.values)}`);
  for (const entry of sources.tags)
    lines.push(`  tags from ${from(entry.source, entry.contact)}: ${entry.tags.join(', ')}`);
  return lines;
}
