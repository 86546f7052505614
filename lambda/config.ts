/**
 * The function's configuration: read from the environment once, at start-up, validated,
 * typed. Nothing else reads `process.env`. Every key is listed in `CONFIG_KEYS`.
 */
import { CidrError, type SourceAllowlist, sourceAllowlist } from './auth';
import { DEFAULT_PROFILES_JSON, ProfileConfigError, type Profiles, parseProfiles } from './profiles';

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
  webhookTokenDigests: Buffer[];
  adminTokenDigests: Buffer[];
  sources: SourceAllowlist;
  profiles: Profiles;
  /** Answer every call with the profile's fallback at once, without DynamoDB. */
  killSwitch: boolean;
}

/** The environment keys the function reads, with their defaults; the stack and `npm start` set them. */
export const CONFIG_KEYS = {
  TABLE_NAME: 'required: the DynamoDB table of caller records',
  AWS_REGION: 'set by Lambda; eu-west-1 locally',
  AWS_ENDPOINT_URL_DYNAMODB: 'optional: a DynamoDB endpoint such as dynalite',
  BELPLAN_TIMEOUT_MS: '2000 (1000-10000): the Webhook app timeout in the belplan',
  SAFETY_MARGIN_MS: '500 (0 to timeout-200): kept back from the belplan timeout',
  DYNAMODB_MAX_ATTEMPTS: '2 (1-5): attempts within the budget',
  RETENTION_DAYS: '400 (1-3650): records expire this long after their last write',
  DEFAULT_COUNTRY_CODE: '31: put in front of national numbers starting with one 0',
  WEBHOOK_TOKEN_SHA256: 'SHA-256 hex of the webhook token; two, comma-separated, during rotation',
  ADMIN_TOKEN_SHA256: 'SHA-256 hex of the admin token; two, comma-separated, during rotation',
  ALLOWED_SOURCE_CIDRS: 'optional comma-separated CIDRs; empty allows all',
  PROFILES: 'optional JSON of routing profiles; the shipped default otherwise',
  KILL_SWITCH: 'off (on/off): answer the fallback at once without DynamoDB',
} as const;

type Environment = Readonly<Record<string, string | undefined>>;

/** A configuration that cannot be used; the message lists every problem. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads and validates the configuration from an environment.
 * @throws ConfigError listing each bad key with what would be right.
 */
export function parseConfig(env: Environment): Config {
  const problems: string[] = [];
  // A fallback only lets the other keys be checked too: any problem throws below.
  const check = <T>(read: () => T, fallback: T): T => {
    try {
      return read();
    } catch (error) {
      problems.push((error as Error).message);
      return fallback;
    }
  };

  const tableName = check(() => required(env, 'TABLE_NAME', /^[A-Za-z0-9_.-]{3,255}$/), '');
  const belplanTimeoutMs = check(() => integer(env, 'BELPLAN_TIMEOUT_MS', 2000, 1000, 10_000), 2000);
  const safetyMarginMs = check(() => integer(env, 'SAFETY_MARGIN_MS', 500, 0, belplanTimeoutMs - 200), 500);
  const config: Config = {
    tableName,
    region: env.AWS_REGION || 'eu-west-1',
    dynamodbEndpoint: check(() => endpoint(env), undefined),
    belplanTimeoutMs,
    safetyMarginMs,
    dynamodbMaxAttempts: check(() => integer(env, 'DYNAMODB_MAX_ATTEMPTS', 2, 1, 5), 2),
    retentionDays: check(() => integer(env, 'RETENTION_DAYS', 400, 1, 3650), 400),
    defaultCountryCode: check(() => countryCode(env), '31'),
    webhookTokenDigests: check(() => digests(env, 'WEBHOOK_TOKEN_SHA256'), []),
    adminTokenDigests: check(() => digests(env, 'ADMIN_TOKEN_SHA256'), []),
    sources: check(() => cidrs(env), sourceAllowlist([])),
    profiles: check(() => profiles(env), new Map()),
    killSwitch: check(() => onOff(env, 'KILL_SWITCH'), false),
  };
  const shared = config.webhookTokenDigests.find((digest) =>
    config.adminTokenDigests.some((d) => d.equals(digest)),
  );
  if (shared)
    problems.push('WEBHOOK_TOKEN_SHA256 and ADMIN_TOKEN_SHA256 share a token: use different tokens');
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n- ${problems.join('\n- ')}`);
  return config;
}

let loaded: Config | undefined;

/** The configuration of this process, read from `process.env` on first use. */
export function configFromEnvironment(): Config {
  loaded ??= parseConfig(process.env);
  return loaded;
}

function required(env: Environment, key: string, pattern: RegExp): string {
  const value = env[key];
  if (!value) throw new Error(`${key} is required`);
  if (!pattern.test(value)) throw new Error(`${key} "${value}" does not match ${pattern}`);
  return value;
}

function integer(env: Environment, key: string, fallback: number, min: number, max: number): number {
  const text = env[key];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new Error(`${key} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

function endpoint(env: Environment): string | undefined {
  const value = env.AWS_ENDPOINT_URL_DYNAMODB;
  if (!value) return undefined;
  if (!/^https?:\/\/[^\s/]+/.test(value)) {
    throw new Error(`AWS_ENDPOINT_URL_DYNAMODB must be an http(s) URL, got "${value}"`);
  }
  return value;
}

function countryCode(env: Environment): string {
  const value = env.DEFAULT_COUNTRY_CODE || '31';
  if (!/^[1-9]\d{0,2}$/.test(value)) {
    throw new Error(`DEFAULT_COUNTRY_CODE must be 1-3 digits without + or 00 (31 for NL), got "${value}"`);
  }
  return value;
}

function digests(env: Environment, key: string): Buffer[] {
  const values = (env[key] ?? '')
    .split(',')
    .map((value) => value.trim().toLowerCase())
    .filter(Boolean);
  if (values.length > 2)
    throw new Error(`${key} holds ${values.length} digests; at most 2 (old and new) are allowed`);
  for (const value of values) {
    if (!/^[0-9a-f]{64}$/.test(value)) {
      throw new Error(`${key} must hold SHA-256 hex digests (64 characters), not the token itself`);
    }
  }
  return values.map((value) => Buffer.from(value, 'hex'));
}

function cidrs(env: Environment): SourceAllowlist {
  const list = (env.ALLOWED_SOURCE_CIDRS ?? '')
    .split(',')
    .map((value) => value.trim())
    .filter(Boolean);
  try {
    return sourceAllowlist(list);
  } catch (error) {
    if (error instanceof CidrError) throw new Error(`ALLOWED_SOURCE_CIDRS: ${error.message}`);
    throw error;
  }
}

function profiles(env: Environment): Profiles {
  const text = env.PROFILES;
  if (!text) return parseProfiles(DEFAULT_PROFILES_JSON);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`PROFILES is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return parseProfiles(json);
  } catch (error) {
    if (error instanceof ProfileConfigError) throw new Error(`PROFILES: ${error.message}`);
    throw error;
  }
}

function onOff(env: Environment, key: string): boolean {
  const value = (env[key] ?? 'off').toLowerCase();
  if (['on', 'true', '1'].includes(value)) return true;
  if (['off', 'false', '0', ''].includes(value)) return false;
  throw new Error(`${key} must be on or off, got "${value}"`);
}
