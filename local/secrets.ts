/**
 * The connectors' secrets on this machine: a file in `npm start`'s data folder (readable by this
 * user only), with a fresh secret for each shipped connector of the demo company made on the
 * start that first finds none, as the tokens are; CONNECTOR_SECRETS (the same JSON document)
 * overrides it. In AWS the document is a Secrets Manager secret.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_CONNECTORS } from '../lambda/connectors/builtin';
import {
  parseSecretDocument,
  type SecretDocument,
  type SecretLoader,
  SecretStoreError,
  secretDocumentText,
} from '../lambda/connectors/secrets';
import { mintToken } from '../lambda/http/access';

/** Where the local secret document is. */
export function localSecretsFile(dataDir: string): string {
  return join(dataDir, 'connector-secrets.json');
}

/**
 * Gives `comId` a generated secret for each shipped connector it has none for: the whole file on
 * the first start, and a connector shipped since (HubSpot, Pipedrive) on a later one. A file
 * that is not a secret document is left for `npm start` to report when a delivery reads it.
 */
export function ensureLocalSecrets(dataDir: string, comId: string): void {
  const file = localSecretsFile(dataDir);
  let document: SecretDocument = {};
  if (existsSync(file)) {
    try {
      document = parseSecretDocument(readFileSync(file, 'utf8'));
    } catch (error) {
      if (error instanceof SecretStoreError) return;
      throw error;
    }
  }
  const held = document[comId] ?? {};
  const missing = BUILTIN_CONNECTORS.filter((connector) => held[connector.name] === undefined);
  if (missing.length === 0) return;
  document[comId] = {
    ...held,
    ...Object.fromEntries(
      missing.map((connector) => [connector.name, { secrets: [mintToken().token], generated: true }]),
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
