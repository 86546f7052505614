/**
 * The connectors' secrets on this machine: a file in `npm start`'s data folder (readable by this
 * user only), made on the first start with a fresh secret for each shipped connector of the demo
 * company, as the tokens are; CONNECTOR_SECRETS (the same JSON document) overrides it. In AWS
 * the document is a Secrets Manager secret.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_CONNECTORS } from '../lambda/connectors/builtin';
import { type SecretDocument, type SecretLoader, secretDocumentText } from '../lambda/connectors/secrets';
import { mintToken } from '../lambda/http/access';

/** Where the local secret document is. */
export function localSecretsFile(dataDir: string): string {
  return join(dataDir, 'connector-secrets.json');
}

/** Makes the file with a secret per shipped connector for `comId`, unless it is there already. */
export function ensureLocalSecrets(dataDir: string, comId: string): void {
  const file = localSecretsFile(dataDir);
  if (existsSync(file)) return;
  const document: SecretDocument = {
    [comId]: Object.fromEntries(
      BUILTIN_CONNECTORS.map((connector) => [
        connector.name,
        { secrets: [mintToken().token], generated: true },
      ]),
    ),
  };
  writeLocalSecrets(dataDir, secretDocumentText(document));
}

/** Replaces the file. */
export function writeLocalSecrets(dataDir: string, text: string): void {
  writeFileSync(localSecretsFile(dataDir), text, { mode: 0o600 });
}

/** The document as `npm start` reads it: CONNECTOR_SECRETS, else the file (read again each time, so a change shows at once). */
export function localSecretLoader(
  dataDir: string,
  env: Readonly<Record<string, string | undefined>>,
): SecretLoader {
  return async () => env.CONNECTOR_SECRETS || readFileSync(localSecretsFile(dataDir), 'utf8');
}
