/**
 * Every knob of the deployment in one typed place: read from CDK context (cdk.json `context`
 * or `-c key=value`), defaulted, and validated at synth time with errors that name the key and
 * the bad value. The function's own settings are validated by the function's own
 * `parseConfig`, so synth refuses exactly what the function would refuse at start-up.
 */

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ApplicationLogLevel } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { PROJECT_ROOT } from '../bundle/options';
import { type Config, ConfigError, describeProblem, ProblemCollector, parseConfig } from '../lambda/config';
import { connectorDeclarations } from '../lambda/connectors/config';
import { ConnectorConfigError } from '../lambda/connectors/declaration';
import { ValidationError } from '../lambda/domain/errors';
import { JsonError, readJson } from '../lambda/domain/json';
import { type PresenceSettings, parsePresenceSettings } from '../lambda/presence/settings';

/** A context value that cannot be used; the message names the key, the value and what would be right. */
export class SettingsError extends Error {
  override name = 'SettingsError';
}

/** The validated deployment settings. */
export interface Settings {
  stackName: string;
  /** The webhook function's configuration as it will parse it (its defaults applied). */
  webhook: Config;
  /** Environment of the webhook function, except TABLE_NAME (the stack adds the table's name). */
  webhookEnvironment: Record<string, string>;
  /** Environment of the admin function, except TABLE_NAME. */
  adminEnvironment: Record<string, string>;
  memoryMb: number;
  /** 0: no reservation. */
  reservedConcurrency: number;
  /** 0: off. */
  provisionedConcurrency: number;
  /** 0: no reservation. */
  adminReservedConcurrency: number;
  logRetentionDays: RetentionDays;
  logLevel: ApplicationLogLevel;
  tableKms: boolean;
  /** Where alarm e-mails go; undefined: no SNS topic. */
  alarmEmail: string | undefined;
  /** Fallback answers in 5 minutes that raise the fallback alarm. */
  fallbackAlarmThreshold: number;
  /** Webhook requests refused 401/403 in 5 minutes that raise the refusal alarm. */
  refusalAlarmThreshold: number;
  /** No webhook token digest: every command but deploy works; CloudFormation refuses the deploy. */
  webhookTokenMissing: boolean;
  /** The presence sync from Microsoft 365 (`presence`); undefined: no sync, no schedule. */
  presence: { settings: PresenceSettings; environment: Record<string, string> } | undefined;
}

/** Context keys → environment keys shared by both functions. */
const SHARED_SETTINGS = {
  retentionDays: 'RETENTION_DAYS',
  defaultCountryCode: 'DEFAULT_COUNTRY_CODE',
  companyIds: 'COMPANY_IDS',
} as const;

/** The context keys that become the webhook function's environment, and the environment key of each. */
export const WEBHOOK_SETTINGS = {
  ...SHARED_SETTINGS,
  webhookTokenSha256: 'WEBHOOK_TOKEN_SHA256',
  belplanTimeoutMs: 'BELPLAN_TIMEOUT_MS',
  safetyMarginMs: 'SAFETY_MARGIN_MS',
  dynamodbMaxAttempts: 'DYNAMODB_MAX_ATTEMPTS',
  allowedSourceCidrs: 'ALLOWED_SOURCE_CIDRS',
  profiles: 'PROFILES',
  killSwitch: 'KILL_SWITCH',
  agentCacheSeconds: 'AGENT_CACHE_SECONDS',
} as const;

/** The context keys that become the admin function's environment; its callers are CRMs, not the platform. */
export const ADMIN_SETTINGS = {
  ...SHARED_SETTINGS,
  adminTokenSha256: 'ADMIN_TOKEN_SHA256',
  ingestTokenSha256: 'INGEST_TOKEN_SHA256',
  adminAllowedSourceCidrs: 'ALLOWED_SOURCE_CIDRS',
  // The admin API explains routes with the webhook's own profiles, and the console shows the
  // timeout to set and how soon an agent's change reaches calls as the webhook has them.
  profiles: 'PROFILES',
  belplanTimeoutMs: 'BELPLAN_TIMEOUT_MS',
  safetyMarginMs: 'SAFETY_MARGIN_MS',
  agentCacheSeconds: 'AGENT_CACHE_SECONDS',
  /** Connectors declared besides the shipped ones (docs/connectors.md): a list, validated here. */
  connectors: 'CONNECTORS',
} as const;

/** The infrastructure knobs and their defaults. */
export const INFRA_DEFAULTS = {
  stackName: 'CallvoipWebhook',
  /**
   * 1024 MB for INIT's CPU: Lambda gives CPU in proportion to memory (1 vCPU at 1769 MB), and
   * INIT (module import, SDK set-up) and the first request are CPU-bound and count against the
   * belplan timeout. Warm answers take tens of ms, so the price is small: a million 30 ms
   * answers cost about $0.40 of arm64 compute at 1024 MB. Check INIT on the dashboard.
   */
  memoryMb: 1024,
  reservedConcurrency: 10,
  provisionedConcurrency: 0,
  adminReservedConcurrency: 2,
  logRetentionDays: 30,
  logLevel: 'INFO',
  tableKms: false,
  alarmEmail: '',
  fallbackAlarmThreshold: 5,
  /**
   * The platform never sends a wrong token once its Webhook app is set up right: a few
   * refusals mean a wrong token in the belplan (every call takes the default branch) or a flood.
   */
  refusalAlarmThreshold: 10,
} as const;

/** Keys the settings read besides the function knobs (a file instead of inline `profiles`). */
const OTHER_KEYS = ['profilesFile', 'presence'] as const;

const KNOWN_KEYS: readonly string[] = [
  ...new Set([...Object.keys(WEBHOOK_SETTINGS), ...Object.keys(ADMIN_SETTINGS)]),
  ...Object.keys(INFRA_DEFAULTS),
  ...OTHER_KEYS,
];

/** A table name that passes `parseConfig`; the real one is known only at deploy time. */
const STAND_IN_TABLE_NAME = 'CallvoipWebhook-CallersTable-0123456789AB';
/** Lambda's limit on the total size of a function's environment (keys and values). */
const ENVIRONMENT_LIMIT_BYTES = 4096;
/** Room kept for TABLE_NAME, whose length is known only at deploy time. */
const TABLE_NAME_ROOM_BYTES = 'TABLE_NAME'.length + 255;

type Context = Readonly<Record<string, unknown>>;

/** What `cdk deploy` says (through CloudFormation) when there is no webhook token digest. */
export const WEBHOOK_TOKEN_MISSING =
  'webhookTokenSha256 is not set: run `npm run token`, put the token in the belplan URL and deploy with ' +
  '`npx cdk deploy -c webhookTokenSha256=<the printed SHA-256>`';

/** The problems of the settings: each a `SettingsError`'s message. */
function settingsProblems(): ProblemCollector<string> {
  return new ProblemCollector((error) => (error instanceof SettingsError ? error.message : undefined));
}

/**
 * Reads and validates the settings from CDK context. A missing webhook token digest is no
 * problem here: `cdk bootstrap`, `ls`, `diff`, `synth` and `destroy` need none; the stack then
 * carries a guard that makes CloudFormation refuse the deploy (`webhookTokenMissing`).
 * @throws SettingsError naming each bad key with its value and what would be right.
 * @example readSettings(app.node.getAllContext())
 */
export function readSettings(context: Context): Settings {
  const collector = settingsProblems();
  collector.problems.push(...unknownKeys(context));
  const functions = functionSettings(context, collector);
  const infra = infraSettings(context, collector);
  const presence = collector.check(() => presenceOf(context), undefined);
  if (collector.problems.length > 0 || !functions.webhook) {
    const unique = [...new Set(collector.problems.flatMap((problem) => problem.split('\n- ')))];
    throw new SettingsError(`invalid deployment settings (CDK context):\n- ${unique.join('\n- ')}`);
  }
  const digests = context.webhookTokenSha256;
  const webhookTokenMissing = digests === undefined || digests === null || digests === '';
  return { ...infra, ...functions, webhook: functions.webhook, webhookTokenMissing, presence };
}

/**
 * The presence sync's settings, validated as its function reads them: an object in cdk.json
 * (or its JSON text with -c). The schedule runs in whole minutes.
 */
function presenceOf(context: Context): Settings['presence'] {
  const value = context.presence;
  if (value === undefined || value === null || value === '') return undefined;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  let settings: PresenceSettings | undefined;
  try {
    settings = parsePresenceSettings(text);
  } catch (error) {
    if (error instanceof ValidationError) throw new SettingsError(error.message);
    throw error;
  }
  if (!settings) return undefined;
  if (settings.intervalSeconds % 60 !== 0) {
    throw new SettingsError(
      `presence.intervalSeconds is ${settings.intervalSeconds}: the schedule runs in whole minutes (60, 120, …)`,
    );
  }
  return { settings, environment: { PRESENCE: JSON.stringify(JSON.parse(text)) } };
}

/** The functions' environments, validated by the functions' own `parseConfig`. */
function functionSettings(context: Context, collector: ProblemCollector<string>) {
  const webhookEnvironment = collector.check(() => environmentOf(context, WEBHOOK_SETTINGS), {});
  const adminEnvironment = collector.check(() => environmentOf(context, ADMIN_SETTINGS), {});
  const webhook = collector.check(() => functionConfig(webhookEnvironment, WEBHOOK_SETTINGS), undefined);
  collector.check(() => functionConfig(adminEnvironment, ADMIN_SETTINGS), undefined);
  collector.check(() => connectorsOf(adminEnvironment), undefined);
  // Apart, each function would accept a token that is also the other's; together they must not.
  const tokens = {
    webhookTokenSha256: 'WEBHOOK_TOKEN_SHA256',
    adminTokenSha256: 'ADMIN_TOKEN_SHA256',
    ingestTokenSha256: 'INGEST_TOKEN_SHA256',
    companyIds: 'COMPANY_IDS',
  } as const;
  collector.check(() => functionConfig(environmentOf(context, tokens), tokens), undefined);
  collector.check(() => fitsLambdaEnvironment('webhook', webhookEnvironment), undefined);
  collector.check(() => fitsLambdaEnvironment('admin', adminEnvironment), undefined);
  return { webhook, webhookEnvironment, adminEnvironment };
}

/** The infrastructure's own knobs. */
function infraSettings(context: Context, collector: ProblemCollector<string>) {
  const check = <T>(read: () => T, fallback: T) => collector.check(read, fallback);
  const reservedConcurrency = check(
    () => integer(context, 'reservedConcurrency', 0, 1000),
    INFRA_DEFAULTS.reservedConcurrency,
  );
  const provisionedConcurrency = check(() => integer(context, 'provisionedConcurrency', 0, 1000), 0);
  if (reservedConcurrency > 0 && provisionedConcurrency > reservedConcurrency) {
    collector.problems.push(
      `provisionedConcurrency (${provisionedConcurrency}) must not exceed reservedConcurrency (${reservedConcurrency})`,
    );
  }
  return {
    stackName: check(() => stackName(context), INFRA_DEFAULTS.stackName),
    memoryMb: check(() => integer(context, 'memoryMb', 128, 10_240), INFRA_DEFAULTS.memoryMb),
    reservedConcurrency,
    provisionedConcurrency,
    adminReservedConcurrency: check(
      () => integer(context, 'adminReservedConcurrency', 0, 100),
      INFRA_DEFAULTS.adminReservedConcurrency,
    ),
    logRetentionDays: check(() => logRetention(context), RetentionDays.ONE_MONTH),
    logLevel: check(() => logLevel(context), ApplicationLogLevel.INFO),
    tableKms: check(() => bool(context, 'tableKms'), false),
    alarmEmail: check(() => email(context), undefined),
    fallbackAlarmThreshold: check(
      () => integer(context, 'fallbackAlarmThreshold', 1, 100_000),
      INFRA_DEFAULTS.fallbackAlarmThreshold,
    ),
    refusalAlarmThreshold: check(
      () => integer(context, 'refusalAlarmThreshold', 1, 1_000_000),
      INFRA_DEFAULTS.refusalAlarmThreshold,
    ),
  };
}

/** A typo must not deploy a default silently. CDK's own keys carry ':', '/', '@' or '-'. */
function unknownKeys(context: Context): string[] {
  return Object.keys(context)
    .filter((key) => /^[a-z][A-Za-z0-9]*$/.test(key) && !KNOWN_KEYS.includes(key))
    .map((key) => {
      const near = KNOWN_KEYS.find((known) => known.toLowerCase() === key.toLowerCase());
      return near
        ? `unknown context key "${key}": did you mean "${near}"?`
        : `unknown context key "${key}"; known keys: ${KNOWN_KEYS.join(', ')}`;
    });
}

/** Context keys → the environment keys a function reads them under. */
type SettingKeys = Readonly<Record<string, string>>;

/** The environment a function gets from the context keys of `keys`; unset keys are left to its defaults. */
function environmentOf(context: Context, keys: SettingKeys): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [contextKey, environmentKey] of Object.entries(keys)) {
    const value = (READERS[contextKey] ?? text)(context, contextKey);
    if (value !== undefined) environment[environmentKey] = value;
  }
  return environment;
}

/**
 * Token digests as the function reads them: text (`<sha256>[:<com_id>+<com_id>]`, comma-
 * separated), or in cdk.json a list of such texts or of `{ "sha256", "companies": [...] }`.
 */
function tokensText(context: Context, key: string): string | undefined {
  const value = context[key];
  if (!Array.isArray(value)) return text(context, key);
  return value
    .map((entry: unknown) => {
      if (typeof entry !== 'object' || entry === null) return String(entry);
      const { sha256, companies } = entry as { sha256?: unknown; companies?: unknown };
      if (typeof sha256 !== 'string' || (companies !== undefined && !Array.isArray(companies))) {
        throw new SettingsError(`${key} entries must be digests or { "sha256": "…", "companies": ["…"] }`);
      }
      return companies ? `${sha256}:${companies.map(String).join('+')}` : sha256;
    })
    .join(',');
}

/** Context keys whose value is more than a text. */
const READERS: Record<string, (context: Context, key: string) => string | undefined> = {
  profiles: (context) => profilesText(context),
  connectors: (context, key) =>
    typeof context[key] === 'string' || context[key] === undefined
      ? text(context, key)
      : JSON.stringify(context[key]),
  killSwitch: onOff,
  webhookTokenSha256: tokensText,
  adminTokenSha256: tokensText,
  ingestTokenSha256: tokensText,
};

/**
 * Runs the function's own validation. Its problems name environment keys; they are given
 * back under the context keys of `keys`, each problem on its own line.
 */
function functionConfig(environment: Record<string, string>, keys: SettingKeys): Config {
  try {
    return parseConfig({ ...environment, TABLE_NAME: STAND_IN_TABLE_NAME });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const contextKeyOf = new Map(Object.entries(keys).map(([contextKey, envKey]) => [envKey, contextKey]));
    const nameOf = (key: string) => contextKeyOf.get(key) ?? key;
    throw new SettingsError(error.problems.map((problem) => describeProblem(problem, nameOf)).join('\n- '));
  }
}

/** The admin function's connectors, validated as it will read them. */
function connectorsOf(environment: Record<string, string>): void {
  try {
    connectorDeclarations(environment.CONNECTORS);
  } catch (error) {
    if (error instanceof ConnectorConfigError) throw new SettingsError(`connectors: ${error.message}`);
    throw error;
  }
}

function fitsLambdaEnvironment(name: string, environment: Record<string, string>): void {
  const bytes = Object.entries(environment).reduce(
    (sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(value),
    TABLE_NAME_ROOM_BYTES,
  );
  if (bytes > ENVIRONMENT_LIMIT_BYTES) {
    throw new SettingsError(
      `the ${name} function's environment would take up to ${bytes} bytes; Lambda allows ${ENVIRONMENT_LIMIT_BYTES}: shorten profiles (names, rules)`,
    );
  }
}

/** A context value as the text the function reads; arrays (in cdk.json) are comma-joined. */
function text(context: Context, key: string): string | undefined {
  const value = context[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value)) return value.map(String).join(',');
  if (typeof value === 'object') {
    throw new SettingsError(`${key} must be a value, not an object: ${JSON.stringify(value)}`);
  }
  return String(value);
}

function profilesText(context: Context): string | undefined {
  const inline = context.profiles;
  const file = context.profilesFile;
  if (inline !== undefined && file !== undefined) {
    throw new SettingsError('set either profiles or profilesFile, not both');
  }
  if (typeof file === 'string' && file !== '') {
    const where = path.resolve(PROJECT_ROOT, file);
    let content: string;
    try {
      content = readFileSync(where, 'utf8');
    } catch (error) {
      throw new SettingsError(`profilesFile "${file}" cannot be read: ${(error as Error).message}`);
    }
    return compactJson(content, `profilesFile "${file}"`);
  }
  if (inline === undefined || inline === '') return undefined;
  // In cdk.json the profiles are an object; with `-c profiles='{...}'` they arrive as text.
  return compactJson(typeof inline === 'string' ? inline : JSON.stringify(inline), 'profiles');
}

/** Minified JSON text (environment bytes are scarce); invalid JSON is left for parseConfig to name. */
function compactJson(content: string, where: string): string {
  try {
    return JSON.stringify(readJson(content, { uniqueKeys: true }));
  } catch (error) {
    if (error instanceof JsonError) throw new SettingsError(`${where} is not valid JSON: ${error.message}`);
    throw error;
  }
}

function onOff(context: Context, key: string): string | undefined {
  const value = context[key];
  if (value === undefined) return undefined;
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return String(value);
}

function integer(context: Context, key: keyof typeof INFRA_DEFAULTS, min: number, max: number): number {
  const value = context[key] ?? INFRA_DEFAULTS[key];
  const number = typeof value === 'number' ? value : /^\d+$/.test(String(value)) ? Number(value) : Number.NaN;
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new SettingsError(
      `${key} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
  }
  return number;
}

function bool(context: Context, key: keyof typeof INFRA_DEFAULTS): boolean {
  const value = context[key] ?? INFRA_DEFAULTS[key];
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new SettingsError(`${key} must be true or false, got ${JSON.stringify(value)}`);
}

function stackName(context: Context): string {
  const value = String(context.stackName ?? INFRA_DEFAULTS.stackName);
  if (!/^[A-Za-z][A-Za-z0-9-]{0,63}$/.test(value)) {
    throw new SettingsError(
      `stackName must start with a letter and hold up to 64 of A-Z, a-z, 0-9 and "-", got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

const FINITE_RETENTIONS = Object.values(RetentionDays).filter(
  (days): days is RetentionDays => typeof days === 'number' && days !== RetentionDays.INFINITE,
);

function logRetention(context: Context): RetentionDays {
  const value = context.logRetentionDays ?? INFRA_DEFAULTS.logRetentionDays;
  const days = FINITE_RETENTIONS.find((allowed) => String(allowed) === String(value));
  if (days === undefined) {
    throw new SettingsError(
      `logRetentionDays must be one of CloudWatch's retention periods (${FINITE_RETENTIONS.join(', ')}), got ${JSON.stringify(value)}`,
    );
  }
  return days;
}

function logLevel(context: Context): ApplicationLogLevel {
  const value = String(context.logLevel ?? INFRA_DEFAULTS.logLevel).toUpperCase();
  const level = Object.values(ApplicationLogLevel).find((known) => known === value);
  if (!level) {
    throw new SettingsError(
      `logLevel must be one of ${Object.values(ApplicationLogLevel).join(', ')}, got ${JSON.stringify(context.logLevel)}`,
    );
  }
  return level;
}

function email(context: Context): string | undefined {
  const value = context.alarmEmail;
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
    throw new SettingsError(`alarmEmail must be an e-mail address, got ${JSON.stringify(value)}`);
  }
  return value;
}
