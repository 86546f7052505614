/**
 * The connectors' secrets: per company and source, the secrets a delivery's signature may be
 * made with (two during a rotation: the new one first) and Moneybird's legacy webhook token.
 * One JSON document, in AWS a Secrets Manager secret, locally a file in `npm start`'s data
 * folder; read once and kept for a few minutes, so a rotation reaches every warm function soon.
 */
import { excerpt } from '../domain/errors';
import { readJson } from '../domain/json';
import { COMPANY_ID } from '../http/access';

/** What one company set for one source. */
export interface ConnectorSecret {
  /** The valid secrets, the newest first: a signature made with any of them is accepted. */
  secrets: string[];
  /** Moneybird: the `webhook_token` of a webhook made before Moneybird signed deliveries. */
  token?: string;
  /** Minted by `npm start` for trying the product out: replaced, not kept beside, by the first secret set. */
  generated?: boolean;
}

/** Company id → source → its secret. */
export type SecretDocument = Record<string, Record<string, ConnectorSecret>>;

/** The secrets could not be read (the store did not answer, or its document is no such document). */
export class SecretStoreError extends Error {
  override name = 'SecretStoreError';
}

/** The most secrets valid at once: the current one and the one it replaces. */
export const MAX_SECRETS = 2;
const SECRET = /^[\x21-\x7e]{8,512}$/;
const SOURCE = /^[a-z][a-z0-9-]{1,23}$/;

/**
 * Reads a secret document. Its messages name the company and source, never a secret.
 * @throws SecretStoreError for a document that is not one.
 */
export function parseSecretDocument(text: string): SecretDocument {
  let value: unknown;
  try {
    value = readJson(text);
  } catch (error) {
    throw new SecretStoreError(`the connector secrets are not JSON: ${(error as Error).message}`);
  }
  const document: SecretDocument = Object.create(null);
  for (const [comId, sources] of Object.entries(objectAt(value, 'the connector secrets'))) {
    if (!COMPANY_ID.test(comId))
      throw new SecretStoreError(
        `the connector secrets name company "${excerpt(comId)}", which is no company id`,
      );
    document[comId] = Object.create(null);
    for (const [source, entry] of Object.entries(objectAt(sources, `company ${comId}`))) {
      const where = `company ${comId}, source ${excerpt(source)}`;
      if (!SOURCE.test(source)) throw new SecretStoreError(`${where}: no connector name`);
      const fields = objectAt(entry, where);
      const secrets = fields.secrets ?? [];
      if (
        !Array.isArray(secrets) ||
        secrets.length > MAX_SECRETS ||
        !secrets.every((secret) => typeof secret === 'string' && SECRET.test(secret))
      ) {
        throw new SecretStoreError(
          `${where}: secrets must be a list of at most ${MAX_SECRETS} texts of 8-512 printable characters`,
        );
      }
      const token = fields.token;
      if (token !== undefined && (typeof token !== 'string' || !SECRET.test(token))) {
        throw new SecretStoreError(`${where}: token must be a text of 8-512 printable characters`);
      }
      if (fields.generated !== undefined && typeof fields.generated !== 'boolean') {
        throw new SecretStoreError(`${where}: generated must be true or false`);
      }
      (document[comId] as Record<string, ConnectorSecret>)[source] = {
        secrets,
        ...(token ? { token } : {}),
        ...(fields.generated ? { generated: true } : {}),
      };
    }
  }
  return document;
}

/** A document as it is stored: one company per line is not needed, a stable order is. */
export function secretDocumentText(document: SecretDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/**
 * Sets a source's secret for a company: the given one first, the one it replaces kept as the
 * second unless `dropPrevious` (or it was only generated), so deliveries signed with either
 * pass while the source switches.
 */
export function withSecret(
  document: SecretDocument,
  comId: string,
  source: string,
  change: { secret?: string; token?: string; dropPrevious?: boolean },
): SecretDocument {
  const held = document[comId]?.[source] ?? { secrets: [] };
  const kept = held.generated ? [] : held.secrets;
  const secrets =
    change.secret === undefined
      ? held.secrets
      : [change.secret, ...kept.filter((secret) => secret !== change.secret)];
  const next: ConnectorSecret = {
    secrets: change.dropPrevious ? secrets.slice(0, 1) : secrets.slice(0, MAX_SECRETS),
  };
  const token = change.token ?? held.token;
  if (token !== undefined) next.token = token;
  return { ...document, [comId]: { ...document[comId], [source]: next } };
}

/** Where the document is read from. */
export type SecretLoader = () => Promise<string>;

/** How long a read document is used before it is read again. */
export const SECRET_CACHE_MS = 5 * 60_000;

/** The secrets of a deployment, read when first needed and again after `SECRET_CACHE_MS`. */
export class ConnectorSecrets {
  private held: { document: SecretDocument; atMs: number } | undefined;
  private loading: Promise<SecretDocument> | undefined;

  constructor(
    private readonly load: SecretLoader,
    private readonly cacheMs: number = SECRET_CACHE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * What a company set for a source, or undefined when it set nothing.
   * @throws SecretStoreError when the secrets cannot be read.
   */
  async secretOf(comId: string, source: string): Promise<ConnectorSecret | undefined> {
    const document = await this.document();
    const secret = Object.hasOwn(document, comId) ? document[comId]?.[source] : undefined;
    return secret && (secret.secrets.length > 0 || secret.token !== undefined) ? secret : undefined;
  }

  private async document(): Promise<SecretDocument> {
    if (this.held && this.now() - this.held.atMs < this.cacheMs) return this.held.document;
    this.loading ??= this.load()
      .then((text) => {
        const document = parseSecretDocument(text);
        this.held = { document, atMs: this.now() };
        return document;
      })
      .catch((error: unknown) => {
        throw error instanceof SecretStoreError
          ? error
          : new SecretStoreError(
              `the connector secrets could not be read (${error instanceof Error ? error.name : 'error'})`,
            );
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }
}

function objectAt(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new SecretStoreError(`${where} must be a JSON object`);
  return value as Record<string, unknown>;
}
