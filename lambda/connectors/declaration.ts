/**
 * A connector as data: how a system's webhook is authenticated, where in its body the events,
 * the contact, the phone numbers, the entity and each fact are (JMESPath expressions, the query
 * language of the AWS CLI's `--query`), and what each event does to a caller's facts. The
 * built-in connectors are declarations like any a deployment configures; `engine.ts` reads them.
 */
import { compile } from 'jmespath';
import { excerpt } from '../domain/errors';
import { ATTRIBUTE_NAME, TAG } from '../domain/tokens';

/** How a delivery proves it comes from the system. */
export type AuthDeclaration =
  /** `Moneybird-Signature: t=<s>,v1=<hex>` over `<t>.<body>`; the legacy `webhook_token` where no secret is set. */
  | { scheme: 'moneybird' }
  /** `X-Zendesk-Webhook-Signature`: base64 HMAC-SHA256 over the timestamp header and the body. */
  | { scheme: 'zendesk' }
  /** `X-HubSpot-Signature-v3`: base64 HMAC-SHA256 over method, URI, body and timestamp. */
  | { scheme: 'hubspot-v3' }
  /** HTTP basic credentials set on the webhook. */
  | { scheme: 'basic' }
  /** A secret token in the URL (`?token=`), for systems that can do nothing else. */
  | { scheme: 'token' }
  /** An HMAC of the body (and a timestamp) in a header of the system's choosing. */
  | HmacDeclaration;

export interface HmacDeclaration {
  scheme: 'hmac';
  /** The header that carries the signature, e.g. `x-shop-signature`. */
  header: string;
  algorithm: 'sha256' | 'sha1' | 'sha512';
  encoding: 'hex' | 'base64';
  /** A prefix before the signature in the header, e.g. `sha256=`. */
  prefix?: string;
  /** The header with the time the delivery was signed (epoch seconds or ms, or ISO 8601). */
  timestampHeader?: string;
  /** What is signed: the body, or the timestamp and the body joined by `separator`. */
  signs?: 'body' | 'timestamp+body';
  separator?: string;
  /** How far the timestamp may be from now (default 300). */
  windowSeconds?: number;
}

/** An invoice or a ticket an event tells the state of. */
export interface EntityDeclaration {
  /** The entity's id in the system. */
  id: string;
  /** Its version: an integer that grows with each change, or its update time; `$signedAt`: the delivery's signed time. */
  version: string;
  /** Its state (`late`) or status (`open`). */
  state: string;
  /** The states in which it counts: unpaid invoices, unsolved tickets. */
  open: string[];
  /** A predicate: the event deletes it. */
  deleted?: string;
  /** When it was last changed (for "the most recently updated ticket"); default: its version. */
  updatedAt?: string;
  /** Tickets: who it is assigned to, as the directory's aliases name agents (an email). */
  assignee?: string;
}

/** One way an event can read: the first rule whose `when` holds applies. */
export interface RuleDeclaration {
  /** A predicate over the event; none: every event. */
  when?: string;
  /** Acknowledge the event as ignored, with this reason. */
  ignore?: string;
  /** The contact the event is about: its numbers are kept, so its facts move when they change. */
  contact?: string;
  /** The version (or time) of the contact's data the event carries; default: the entity's version. */
  contactVersion?: string;
  /** The contact is gone (deleted in the source): its numbers are forgotten, so its facts leave every caller. */
  forgetContact?: boolean;
  /** The contact's phone numbers: a number or a list of them; none: the numbers held for the contact. */
  phones?: string;
  /**
   * The field of the contact those numbers are (`propertyName`: `phone`, `mobilephone`), for a
   * source whose events carry one field at a time: each field's numbers are kept apart, and the
   * contact's numbers are all of them. None: the numbers are all the contact has.
   */
  phoneField?: string;
  invoice?: EntityDeclaration;
  ticket?: EntityDeclaration;
  /** Attributes the event sets: name → where its value is (null or missing removes it). */
  attributes?: Record<string, string>;
  /**
   * The contact's owner: where the names are that the directory's aliases may know them by (an
   * email, `hubspot:<owner id>`), and the attribute that holds the agent they lead to
   * (`accountManager`). A name no alias knows sets no agent; null or missing: no owner.
   */
  owner?: { path: string; attribute: string };
  /** Tags the event sets (`on` holds) or takes off. */
  tags?: { tag: string; on: string }[];
  /** The version (or time) of the attributes, owner and tags; default: the delivery's time. */
  factsVersion?: string;
  /**
   * After this rule, the next rule whose `when` holds applies as well: its effects join these
   * (the contact, phones and versions of the first rule that gives them). How a deployment adds
   * its own facts to a shipped connector's events.
   */
  continue?: boolean;
}

/** A connector: its name (the route `/connectors/<name>`, its secret, its facts' source) and its rules. */
export interface ConnectorDeclaration {
  name: string;
  auth: AuthDeclaration;
  /** Where the events are, when a delivery holds several (`[*]`); none: the body is one event. */
  events?: string;
  /** Where an event's name is (`action`, `type`), for logs and metrics; none: `event`. */
  kind?: string;
  rules: RuleDeclaration[];
}

/** A connector declaration that cannot be used; the message names the connector and the field. */
export class ConnectorConfigError extends Error {
  override name = 'ConnectorConfigError';
}

/** A version that is the time the source signed the delivery (for bodies that carry none of their own). */
export const SIGNED_AT = '$signedAt';

const NAME = /^[a-z][a-z0-9-]{1,23}$/;
const SCHEMES = ['moneybird', 'zendesk', 'hubspot-v3', 'basic', 'token', 'hmac'];
const HEADER = /^[a-z0-9-]{1,64}$/;

/**
 * Validates a declaration given as parsed JSON: every expression compiles, every name is one
 * the rest of the product takes. One that `extends` a shipped connector takes its auth, events
 * and kind (unless it gives its own) and puts its rules before the shipped ones; without a name
 * of its own it takes the shipped one's place.
 * @throws ConnectorConfigError naming the connector and the field.
 */
export function parseConnector(
  value: unknown,
  where = 'connector',
  shipped: ReadonlyMap<string, ConnectorDeclaration> = new Map(),
): ConnectorDeclaration {
  const spec = objectAt(value, where);
  let base: ConnectorDeclaration | undefined;
  if (spec.extends !== undefined) {
    base = typeof spec.extends === 'string' ? shipped.get(spec.extends) : undefined;
    if (!base) {
      throw new ConnectorConfigError(
        `${where}: extends must name a shipped connector (${[...shipped.keys()].join(', ')}), got "${excerpt(String(spec.extends))}"`,
      );
    }
  }
  const name = spec.name ?? base?.name;
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new ConnectorConfigError(
      `${where}: name must be 2-24 of a-z, 0-9 and - (a letter first), got "${excerpt(String(name))}"`,
    );
  }
  const at = `connector "${name}"`;
  allowOnly(spec, ['name', 'extends', 'auth', 'events', 'kind', 'rules'], at);
  const auth = spec.auth === undefined && base ? base.auth : authOf(spec.auth, `${at}: auth`);
  for (const key of ['events', 'kind'] as const) {
    if (spec[key] !== undefined) expression(spec[key], `${at}: ${key}`);
  }
  if (!Array.isArray(spec.rules) || spec.rules.length === 0) {
    throw new ConnectorConfigError(`${at}: rules must be a non-empty list`);
  }
  spec.rules.forEach((rule, index) => {
    ruleOf(rule, `${at}, rule ${index + 1}`);
  });
  const rules = [...(spec.rules as RuleDeclaration[]), ...(base?.rules ?? [])];
  const declaration: ConnectorDeclaration = { name, auth, rules };
  const events = (spec.events as string | undefined) ?? base?.events;
  const kind = (spec.kind as string | undefined) ?? base?.kind;
  if (events !== undefined) declaration.events = events;
  if (kind !== undefined) declaration.kind = kind;
  return declaration;
}

function authOf(value: unknown, where: string): AuthDeclaration {
  const auth = objectAt(value, where);
  if (typeof auth.scheme !== 'string' || !SCHEMES.includes(auth.scheme)) {
    throw new ConnectorConfigError(`${where}: scheme must be one of ${SCHEMES.join(', ')}`);
  }
  if (auth.scheme !== 'hmac') {
    allowOnly(auth, ['scheme'], where);
    return auth as AuthDeclaration;
  }
  allowOnly(
    auth,
    [
      'scheme',
      'header',
      'algorithm',
      'encoding',
      'prefix',
      'timestampHeader',
      'signs',
      'separator',
      'windowSeconds',
    ],
    where,
  );
  for (const key of ['header', 'timestampHeader'] as const) {
    const header = auth[key];
    if (
      (key === 'header' || header !== undefined) &&
      (typeof header !== 'string' || !HEADER.test(header.toLowerCase()))
    ) {
      throw new ConnectorConfigError(`${where}: ${key} must be a header name (a-z, 0-9, -)`);
    }
  }
  oneOf(auth.algorithm, ['sha256', 'sha1', 'sha512'], `${where}: algorithm`);
  oneOf(auth.encoding, ['hex', 'base64'], `${where}: encoding`);
  if (auth.signs !== undefined) oneOf(auth.signs, ['body', 'timestamp+body'], `${where}: signs`);
  if (auth.signs === 'timestamp+body' && auth.timestampHeader === undefined) {
    throw new ConnectorConfigError(`${where}: signs timestamp+body needs timestampHeader`);
  }
  for (const key of ['prefix', 'separator'] as const) {
    if (auth[key] !== undefined && (typeof auth[key] !== 'string' || (auth[key] as string).length > 16)) {
      throw new ConnectorConfigError(`${where}: ${key} must be a text of at most 16 characters`);
    }
  }
  if (
    auth.windowSeconds !== undefined &&
    !(
      Number.isInteger(auth.windowSeconds) &&
      (auth.windowSeconds as number) > 0 &&
      (auth.windowSeconds as number) <= 3600
    )
  ) {
    throw new ConnectorConfigError(`${where}: windowSeconds must be a whole number from 1 to 3600`);
  }
  return { ...(auth as unknown as HmacDeclaration), header: (auth.header as string).toLowerCase() };
}

function ruleOf(value: unknown, where: string): void {
  const rule = objectAt(value, where);
  allowOnly(
    rule,
    [
      'when',
      'ignore',
      'contact',
      'contactVersion',
      'forgetContact',
      'phones',
      'invoice',
      'ticket',
      'attributes',
      'owner',
      'tags',
      'factsVersion',
      'phoneField',
      'continue',
    ],
    where,
  );
  for (const key of ['when', 'contact', 'phones', 'phoneField'] as const) {
    if (rule[key] !== undefined) expression(rule[key], `${where}: ${key}`);
  }
  for (const key of ['contactVersion', 'factsVersion'] as const) {
    if (rule[key] !== undefined) version(rule[key], `${where}: ${key}`);
  }
  for (const key of ['forgetContact', 'continue'] as const) {
    if (rule[key] !== undefined && typeof rule[key] !== 'boolean') {
      throw new ConnectorConfigError(`${where}: ${key} must be true or false`);
    }
  }
  if (rule.continue && rule.ignore !== undefined) {
    throw new ConnectorConfigError(`${where}: a rule that ignores the event cannot continue`);
  }
  if (rule.phoneField !== undefined && rule.phones === undefined) {
    throw new ConnectorConfigError(`${where}: phoneField needs phones (the numbers of that field)`);
  }
  if (rule.forgetContact && rule.phones === undefined) {
    throw new ConnectorConfigError(
      `${where}: forgetContact needs phones (the numbers it leaves, usually \`[]\`)`,
    );
  }
  if (rule.ignore !== undefined && (typeof rule.ignore !== 'string' || rule.ignore.length > 80)) {
    throw new ConnectorConfigError(`${where}: ignore must be a reason of at most 80 characters`);
  }
  for (const kind of ['invoice', 'ticket'] as const) {
    if (rule[kind] !== undefined) entityOf(rule[kind], `${where}: ${kind}`);
  }
  if (rule.attributes !== undefined) {
    for (const [name, path] of Object.entries(objectAt(rule.attributes, `${where}: attributes`))) {
      if (!ATTRIBUTE_NAME.test(name))
        throw new ConnectorConfigError(`${where}: attributes: "${excerpt(name)}" is no attribute name`);
      expression(path, `${where}: attributes.${name}`);
    }
  }
  if (rule.owner !== undefined) {
    const owner = objectAt(rule.owner, `${where}: owner`);
    allowOnly(owner, ['path', 'attribute'], `${where}: owner`);
    expression(owner.path, `${where}: owner.path`);
    if (typeof owner.attribute !== 'string' || !ATTRIBUTE_NAME.test(owner.attribute)) {
      throw new ConnectorConfigError(
        `${where}: owner.attribute must be an attribute name such as accountManager`,
      );
    }
  }
  if (rule.tags !== undefined) {
    if (!Array.isArray(rule.tags))
      throw new ConnectorConfigError(`${where}: tags must be a list of {tag, on}`);
    rule.tags.forEach((entry, index) => {
      const tag = objectAt(entry, `${where}: tags[${index}]`);
      if (typeof tag.tag !== 'string' || !TAG.test(tag.tag)) {
        throw new ConnectorConfigError(`${where}: tags[${index}].tag must be a tag (a-z, 0-9, _ . : -)`);
      }
      expression(tag.on, `${where}: tags[${index}].on`);
    });
  }
  const effects = ['ignore', 'invoice', 'ticket', 'attributes', 'owner', 'tags', 'phones'].filter(
    (key) => rule[key] !== undefined,
  );
  if (effects.length === 0)
    throw new ConnectorConfigError(
      `${where}: says nothing to do (ignore, invoice, ticket, attributes, owner, tags or phones)`,
    );
}

function entityOf(value: unknown, where: string): void {
  const entity = objectAt(value, where);
  allowOnly(entity, ['id', 'version', 'state', 'open', 'deleted', 'updatedAt', 'assignee'], where);
  for (const key of ['id', 'state'] as const) expression(entity[key], `${where}: ${key}`);
  version(entity.version, `${where}: version`);
  for (const key of ['deleted', 'updatedAt', 'assignee'] as const) {
    if (entity[key] !== undefined) expression(entity[key], `${where}: ${key}`);
  }
  if (
    !Array.isArray(entity.open) ||
    !entity.open.every((state) => typeof state === 'string' && state.length <= 40)
  ) {
    throw new ConnectorConfigError(
      `${where}: open must be a list of the states that count (unpaid, unsolved)`,
    );
  }
}

function expression(value: unknown, where: string): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > 500) {
    throw new ConnectorConfigError(`${where} must be a JMESPath expression of 1 to 500 characters`);
  }
  try {
    compile(value);
  } catch (error) {
    throw new ConnectorConfigError(
      `${where}: "${excerpt(value)}" is no JMESPath expression (${excerpt((error as Error).message, 80)})`,
    );
  }
}

function version(value: unknown, where: string): void {
  if (value !== SIGNED_AT) expression(value, where);
}

function objectAt(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConnectorConfigError(`${where} must be an object`);
  }
  return value as Record<string, unknown>;
}

function allowOnly(value: Record<string, unknown>, keys: string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (!keys.includes(key))
      throw new ConnectorConfigError(`${where}: unknown key "${excerpt(key)}"; known: ${keys.join(', ')}`);
  }
}

function oneOf(value: unknown, allowed: string[], where: string): void {
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw new ConnectorConfigError(`${where} must be one of ${allowed.join(', ')}`);
  }
}
