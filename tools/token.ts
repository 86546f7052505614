/**
 * `npm run token` mints a webhook token; `-- --admin` an admin token. It prints the token
 * (for the belplan URL, or the CRM's Authorization header) and the SHA-256 digest that the
 * deployment holds instead. The token is written nowhere else.
 */
import { type MintedToken, mintToken } from '../lambda/access';
import { program, runTool } from './cli';

/** What `npm run token` prints for a webhook (or, with `admin`, an admin) token. */
export function instructions({ token, sha256 }: MintedToken, admin: boolean): string {
  if (admin) {
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

async function main(): Promise<void> {
  const options = program({
    script: 'token',
    usage: '[--admin]',
    description: 'Mint a token and print it with the SHA-256 digest to deploy with.',
    examples: ['npm run token', 'npm run token -- --admin'],
  })
    .option('--admin', 'an admin API token instead of a webhook token')
    .parse(process.argv)
    .opts<{ admin?: boolean }>();
  process.stdout.write(instructions(mintToken(), options.admin ?? false));
}

if (require.main === module) runTool('token', main);
