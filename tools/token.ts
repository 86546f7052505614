/**
 * `npm run token` mints a webhook token; `npm run token -- --admin` an admin token. It prints
 * the token (for the belplan URL, or the CRM's Authorization header) and the SHA-256 digest
 * that the deployment holds instead. The token is written nowhere else.
 */
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../lambda/auth';

/** A fresh token and the digest the function compares against. */
export interface MintedToken {
  /** 32 random bytes, base64url: 43 characters, safe in a URL query without escaping. */
  token: string;
  sha256: string;
}

/** Mints a token from 256 bits of the system's secure random source. */
export function mintToken(): MintedToken {
  const token = randomBytes(32).toString('base64url');
  return { token, sha256: sha256Hex(token) };
}

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

if (require.main === module) {
  const args = process.argv.slice(2);
  const unknown = args.filter((arg) => arg !== '--admin');
  if (unknown.length > 0) {
    console.error(`unknown argument ${unknown.join(' ')}; usage: npm run token [-- --admin]`);
    process.exitCode = 2;
  } else {
    process.stdout.write(instructions(mintToken(), args.includes('--admin')));
  }
}
