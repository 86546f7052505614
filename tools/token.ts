/**
 * `npm run token` mints a webhook token; `-- --admin` an admin token, `-- --ingest` an ingest
 * token (for the AI Notulist webhook). It prints the token and the SHA-256 digest that the
 * deployment holds instead. The token is written nowhere else.
 */
import { type MintedToken, mintToken } from '../lambda/http/access';
import { CliError, program, runTool } from './cli';

/** The kinds of token: each opens its own routes only. */
export type TokenKind = 'webhook' | 'admin' | 'ingest';

/** What `npm run token` prints for a token of a kind. */
export function instructions({ token, sha256 }: MintedToken, kind: TokenKind): string {
  if (kind === 'ingest') {
    return `Ingest token (secret: it goes only into the AI Notulist webhook URL in Callvoip):

  ${token}

Set the AI Notulist webhook URL to the admin API's /notulist path, with the token and company:

  https://<id>.lambda-url.<region>.on.aws/notulist?token=${token}&com_id=<your com_id>

It records who answered each call and opens nothing else. Deploy with its SHA-256:

  npx cdk deploy -c ingestTokenSha256=${sha256}

Rotate: deploy with both digests, -c ingestTokenSha256=<current>,${sha256}; change the URL in
Callvoip; then deploy with -c ingestTokenSha256=${sha256} alone.
`;
  }
  if (kind === 'admin') {
    return `Admin token (secret: give it only to the CRM or integration that feeds caller data):

  ${token}

It calls the admin API (AdminUrl in the stack outputs) with the header:

  Authorization: Bearer ${token}

Deploy with its SHA-256 (not the token):

  npx cdk deploy -c adminTokenSha256=${sha256}

Rotate: deploy with both digests, -c adminTokenSha256=<current>,${sha256}; switch the CRM
to the new token; then deploy with -c adminTokenSha256=${sha256} alone.
`;
  }
  return `Webhook token (secret: it goes only into the belplan's Webhook app URL):

  ${token}

Paste into the Webhook app (WebhookUrl in the stack outputs, with your token and profile):

  https://<id>.lambda-url.<region>.on.aws/?token=${token}&profile=default

Deploy with its SHA-256 (not the token):

  npx cdk deploy -c webhookTokenSha256=${sha256}

Rotate without missing a call:
  1. Deploy with both digests: -c webhookTokenSha256=<current>,${sha256}
  2. Put the new token into the URL of every Webhook app that uses the old one.
  3. Deploy with -c webhookTokenSha256=${sha256} alone; the old token stops working.
`;
}

export async function main(argv: string[]): Promise<void> {
  const options = program({
    script: 'token',
    usage: '[--admin | --ingest]',
    description: 'Mint a token and print it with the SHA-256 digest to deploy with.',
    examples: ['npm run token', 'npm run token -- --admin', 'npm run token -- --ingest'],
  })
    .option('--admin', 'an admin API token (for a CRM) instead of a webhook token')
    .option('--ingest', 'an ingest token (for the AI Notulist webhook) instead of a webhook token')
    .parse(argv, { from: 'user' })
    .opts<{ admin?: boolean; ingest?: boolean }>();
  if (options.admin && options.ingest) throw new CliError('--admin or --ingest, not both');
  const kind: TokenKind = options.admin ? 'admin' : options.ingest ? 'ingest' : 'webhook';
  process.stdout.write(instructions(mintToken(), kind));
}

if (require.main === module) runTool('token', main);
