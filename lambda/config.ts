/**
 * The functions' configuration: read from the environment once, at start-up, validated,
 * typed. Within lambda/ nothing else reads `process.env`; the entries of local/ and tools/
 * read their own options (PORT, LOCAL_DATA_DIR, the AWS_* variables of the SDK) and pass
 * the function keys on through `parseConfig`. `DEFAULTS` is the one place of every default.
 */

import { excerpt, ProfileConfigError } from './domain/errors';
import { JsonError, readJson } from './domain/json';
import { type Profiles, parseProfiles, SHIPPED_PROFILES } from './domain/profiles';
import { COMPANY_ID, type SourceAllowlist, sourceAllowlist, type TokenGrant } from './http/access';

/** Every default of the function's settings; `npm start`, the tools and the bench read them here. */
export const DEFAULTS = {
  /** Where the SDK sends requests when AWS_REGION is not set (locally). */
  region: 'eu-west-1',
  belplanTimeoutMs: 2000,
  safetyMarginMs: 500,
  dynamodbMaxAttempts: 2,
  retentionDays: 400,
  defaultCountryCode: '31',
  /** The oldest roster a warm webhook may route with; `npm start` uses 0 (read it every call). */
  agentCacheSeconds: 60,
} as const;

/** The limits the settings are validated against. */
const LIMITS = {
  belplanTimeoutMs: { min: 1000, max: 10_000 },
  /** The margin leaves at least this much of the timeout to answer in. */
  minBudgetMs: 200,
  dynamodbMaxAttempts: { min: 1, max: 5 },
  retentionDays: { min: 1, max: 3650 },
  agentCacheSeconds: { min: 0, max: 3600 },
  /** Old and new during a rotation. */
  digestsPerKey: 2,
} as const;

export interface Config {
  tableName: string;
  region: string;
  /** A DynamoDB endpoint other than AWS's (dynalite locally); undefined in AWS. */
  dynamodbEndpoint: string | undefined;
  /** The Webhook app's request timeout set in the belplan. */
  belplanTimeoutMs: number;
  /** Time kept back from the belplan timeout for the network and the platform. */
  safetyMarginMs: number;
  /** Attempts the SDK may make within the budget (1 = no retry). */
  dynamodbMaxAttempts: number;
  /** Records expire this many days after their last write. */
  retentionDays: number;
  /** Country code put in front of national numbers (`0152026057` → `31152026057`). */
  defaultCountryCode: string;
  /** The companies this deployment serves; undefined: any company the platform sends. */
  companies: ReadonlySet<string> | undefined;
  webhookTokens: TokenGrant[];
  adminTokens: TokenGrant[];
  /** Tokens that open only `POST /notulist`: the AI Notulist webhook's URL carries one. */
  ingestTokens: TokenGrant[];
  /** A webhook routes with a roster read at most this long ago. */
  agentCacheSeconds: number;
  sources: SourceAllowlist;
  profiles: Profiles;
  /** Answer every call with the profile's fallback at once, without DynamoDB. */
  killSwitch: boolean;
  /**
   * Connectors a deployment declares besides the shipped ones: a JSON list, read by the admin
   * function (`connectors/config.ts`), so the webhook never loads the connectors' code.
   */
  connectorDeclarations: string | undefined;
  /** The Secrets Manager secret (ARN or name) holding the connectors' secrets; undefined locally. */
  connectorSecretsId: string | undefined;
  /** A Secrets Manager endpoint other than AWS's (a stand-in in the tests); undefined in AWS. */
  secretsManagerEndpoint: string | undefined;
  /** The webhook's Function URL, for the console's set-up view (the admin function's setting). */
  webhookUrl: string | undefined;
}

type Environment = Readonly<Record<string, string | undefined>>;

/** One configuration key that cannot be used, and what would be right. */
export interface ConfigProblem {
  key: string;
  /**
   * Reads after the key's name: `must be a whole number from 1000 to 10000, got "12000"`, or
   * `: <a nested message>` for a value with its own structure (profiles, CIDRs). Another key
   * it mentions is written `{KEY}`, so each place can name it as the user knows it.
   */
  message: string;
}

/**
 * A problem as one line, under whatever names the keys have where the user set them.
 * @example describeProblem({ key: 'KILL_SWITCH', message: 'must be on or off' }, (key) => key)
 */
export function describeProblem(problem: ConfigProblem, nameOf: (key: string) => string): string {
  const message = problem.message.replace(/\{([A-Z0-9_]+)\}/g, (_reference, key: string) => nameOf(key));
  return message.startsWith(':') ? `${nameOf(problem.key)}${message}` : `${nameOf(problem.key)} ${message}`;
}

/** A configuration that cannot be used; `problems` names each bad key. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: ConfigProblem[]) {
    const lines = problems.map((problem) => describeProblem(problem, (key) => key));
    super(`invalid configuration:\n- ${lines.join('\n- ')}`);
  }
}

/**
 * Collects the problems of several reads, so that one run names every one of them.
 * @example const problems = new ProblemCollector((e) => (e instanceof MyError ? e.message : undefined))
 */
export class ProblemCollector<P> {
  readonly problems: P[] = [];
  /** `problemOf` turns an error a read throws into a problem; any other error is thrown on. */
  constructor(private readonly problemOf: (error: unknown) => P | undefined) {}

  /** What `read` gives, or — its problem noted — `fallback`, which only lets the other reads run. */
  check<T>(read: () => T, fallback: T): T {
    try {
      return read();
    } catch (error) {
      const problem = this.problemOf(error);
      if (problem === undefined) throw error;
      this.problems.push(problem);
      return fallback;
    }
  }
}

/** A problem of one key, thrown by the readers below and collected by `parseConfig`. */
class KeyProblem extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads and validates the configuration from an environment.
 * @throws ConfigError listing each bad key with what would be right.
 */
export function parseConfig(env: Environment): Config {
  const collector = new ProblemCollector((error) =>
    error instanceof KeyProblem ? { key: error.key, message: error.message } : undefined,
  );
  const check = <T>(read: () => T, fallback: T): T => collector.check(read, fallback);
  const problems = collector.problems;

  // In the order of the documentation, so the problems read in that order.
  const tableName = check(() => required(env, 'TABLE_NAME', /^[A-Za-z0-9_.-]{3,255}$/), '');
  const timeout = LIMITS.belplanTimeoutMs;
  const belplanTimeoutMs = check(
    () => integer(env, 'BELPLAN_TIMEOUT_MS', DEFAULTS.belplanTimeoutMs, timeout.min, timeout.max),
    DEFAULTS.belplanTimeoutMs,
  );
  const companies = check(() => companyIds(env), undefined);
  const attempts = LIMITS.dynamodbMaxAttempts;
  const retention = LIMITS.retentionDays;
  const cache = LIMITS.agentCacheSeconds;
  const config: Config = {
    tableName,
    region: env.AWS_REGION || DEFAULTS.region,
    dynamodbEndpoint: check(() => endpoint(env, 'AWS_ENDPOINT_URL_DYNAMODB'), undefined),
    belplanTimeoutMs,
    safetyMarginMs: check(
      () =>
        integer(env, 'SAFETY_MARGIN_MS', DEFAULTS.safetyMarginMs, 0, belplanTimeoutMs - LIMITS.minBudgetMs),
      DEFAULTS.safetyMarginMs,
    ),
    dynamodbMaxAttempts: check(
      () => integer(env, 'DYNAMODB_MAX_ATTEMPTS', DEFAULTS.dynamodbMaxAttempts, attempts.min, attempts.max),
      DEFAULTS.dynamodbMaxAttempts,
    ),
    retentionDays: check(
      () => integer(env, 'RETENTION_DAYS', DEFAULTS.retentionDays, retention.min, retention.max),
      DEFAULTS.retentionDays,
    ),
    defaultCountryCode: check(() => countryCode(env), DEFAULTS.defaultCountryCode),
    companies,
    webhookTokens: check(() => tokenGrants(env, 'WEBHOOK_TOKEN_SHA256', companies), []),
    adminTokens: check(() => tokenGrants(env, 'ADMIN_TOKEN_SHA256', companies), []),
    ingestTokens: check(() => tokenGrants(env, 'INGEST_TOKEN_SHA256', companies), []),
    agentCacheSeconds: check(
      () => integer(env, 'AGENT_CACHE_SECONDS', DEFAULTS.agentCacheSeconds, cache.min, cache.max),
      DEFAULTS.agentCacheSeconds,
    ),
    sources: check(() => cidrs(env), sourceAllowlist([])),
    profiles: check(() => profiles(env), new Map()),
    killSwitch: check(() => onOff(env, 'KILL_SWITCH'), false),
    connectorDeclarations: env.CONNECTORS || undefined,
    connectorSecretsId: env.CONNECTOR_SECRETS_ID || undefined,
    secretsManagerEndpoint: check(() => endpoint(env, 'AWS_ENDPOINT_URL_SECRETS_MANAGER'), undefined),
    webhookUrl: check(() => endpoint(env, 'WEBHOOK_URL'), undefined),
  };
  problems.push(...sharedTokens(config));
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Each kind of token opens its own routes only, so no token may be of two kinds. */
function sharedTokens(config: Config): ConfigProblem[] {
  const kinds = [
    ['WEBHOOK_TOKEN_SHA256', config.webhookTokens],
    ['ADMIN_TOKEN_SHA256', config.adminTokens],
    ['INGEST_TOKEN_SHA256', config.ingestTokens],
  ] as const;
  const problems: ConfigProblem[] = [];
  kinds.forEach(([key, grants], index) => {
    for (const [otherKey, others] of kinds.slice(index + 1)) {
      if (grants.some((grant) => others.some((other) => other.digest.equals(grant.digest)))) {
        problems.push({ key, message: `and {${otherKey}} share a token: use different tokens` });
      }
    }
  });
  return problems;
}

/** Credentials as Lambda puts them in a function's environment. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * The AWS credentials of the function's environment: Lambda's role session (with its token),
 * or locally the stand-ins dynalite accepts. Read where they are used and kept out of `Config`,
 * which is handed around.
 * @throws ConfigError naming the keys that are missing.
 */
export function credentialsFromEnvironment(env: Environment = process.env): AwsCredentials {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    const missing = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'].filter((key) => !env[key]);
    throw new ConfigError(
      missing.map((key) => ({ key, message: 'is required (Lambda sets it from the role)' })),
    );
  }
  return {
    accessKeyId,
    secretAccessKey,
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
  };
}

let loaded: Config | undefined;

/** The configuration of this process, read from `process.env` on first use. */
export function configFromEnvironment(): Config {
  loaded ??= parseConfig(process.env);
  return loaded;
}

function required(env: Environment, key: string, pattern: RegExp): string {
  const value = env[key];
  if (!value) throw new KeyProblem(key, 'is required');
  if (!pattern.test(value)) throw new KeyProblem(key, `"${excerpt(value)}" does not match ${pattern}`);
  return value;
}

function integer(env: Environment, key: string, fallback: number, min: number, max: number): number {
  const text = env[key];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new KeyProblem(key, `must be a whole number from ${min} to ${max}, got "${excerpt(text)}"`);
  }
  return value;
}

function endpoint(env: Environment, key: string): string | undefined {
  const value = env[key];
  if (!value) return undefined;
  if (!/^https?:\/\/[^\s/]+/.test(value)) {
    throw new KeyProblem(key, `must be an http(s) URL, got "${excerpt(value)}"`);
  }
  return value;
}

function countryCode(env: Environment): string {
  const value = env.DEFAULT_COUNTRY_CODE || DEFAULTS.defaultCountryCode;
  if (!/^[1-9]\d{0,2}$/.test(value)) {
    throw new KeyProblem(
      'DEFAULT_COUNTRY_CODE',
      `must be 1-3 digits without + or 00 (31 for NL), got "${excerpt(value)}"`,
    );
  }
  return value;
}

/**
 * Token digests: `<sha256>` opens every company of the deployment, `<sha256>:<com_id>+<com_id>`
 * only those; entries are comma-separated. At most two per set of companies (old and new
 * during a rotation), and a token may name only companies the deployment serves.
 */
function tokenGrants(env: Environment, key: string, served: ReadonlySet<string> | undefined): TokenGrant[] {
  const entries = (env[key] ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const grants = entries.map((entry) => tokenGrant(entry, key, served));
  const perCompanies = new Map<string, number>();
  for (const grant of grants) {
    const companies = grant.companies ? [...grant.companies].sort().join('+') : '';
    perCompanies.set(companies, (perCompanies.get(companies) ?? 0) + 1);
  }
  const most = Math.max(0, ...perCompanies.values());
  if (most > LIMITS.digestsPerKey) {
    throw new KeyProblem(
      key,
      `holds ${most} digests; at most ${LIMITS.digestsPerKey} (old and new) are allowed for the same companies`,
    );
  }
  return grants;
}

function tokenGrant(entry: string, key: string, served: ReadonlySet<string> | undefined): TokenGrant {
  const [digest = '', companyList] = entry.split(':');
  if (!/^[0-9a-f]{64}$/i.test(digest)) {
    throw new KeyProblem(key, 'must hold SHA-256 hex digests (64 characters), not the token itself');
  }
  const companies = companyList === undefined ? undefined : new Set(companyList.split('+'));
  for (const comId of companies ?? []) {
    if (!COMPANY_ID.test(comId)) {
      throw new KeyProblem(
        key,
        `names company "${excerpt(comId)}": a com_id is 1-64 of A-Z, a-z, 0-9, "-" or "_"`,
      );
    }
    if (served && !served.has(comId)) {
      throw new KeyProblem(key, `names company ${comId}, which {COMPANY_IDS} does not list`);
    }
  }
  return { digest: Buffer.from(digest.toLowerCase(), 'hex'), companies };
}

/** The companies a deployment serves: comma-separated com_ids; empty: any company. */
function companyIds(env: Environment): ReadonlySet<string> | undefined {
  const ids = (env.COMPANY_IDS ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  const bad = ids.find((id) => !COMPANY_ID.test(id));
  if (bad !== undefined) {
    throw new KeyProblem(
      'COMPANY_IDS',
      `holds "${excerpt(bad)}": a com_id is 1-64 of A-Z, a-z, 0-9, "-" or "_"`,
    );
  }
  return ids.length > 0 ? new Set(ids) : undefined;
}

function cidrs(env: Environment): SourceAllowlist {
  const list = (env.ALLOWED_SOURCE_CIDRS ?? '')
    .split(',')
    .map((value) => value.trim())
    .filter(Boolean);
  try {
    return sourceAllowlist(list);
  } catch (error) {
    throw new KeyProblem('ALLOWED_SOURCE_CIDRS', `: ${(error as Error).message}`);
  }
}

function profiles(env: Environment): Profiles {
  const text = env.PROFILES;
  if (!text) return parseProfiles(SHIPPED_PROFILES);
  let json: unknown;
  try {
    json = readJson(text, { uniqueKeys: true });
  } catch (error) {
    if (error instanceof JsonError) throw new KeyProblem('PROFILES', `is not valid JSON: ${error.message}`);
    throw error;
  }
  try {
    return parseProfiles(json);
  } catch (error) {
    if (error instanceof ProfileConfigError) throw new KeyProblem('PROFILES', `: ${error.message}`);
    throw error;
  }
}

function onOff(env: Environment, key: string): boolean {
  const value = (env[key] ?? 'off').toLowerCase();
  if (['on', 'true', '1'].includes(value)) return true;
  if (['off', 'false', '0', ''].includes(value)) return false;
  throw new KeyProblem(key, `must be on or off, got "${value}"`);
}
