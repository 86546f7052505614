/**
 * What each source's API lists for the first sync, as events its webhook would send: Moneybird's
 * unpaid sales invoices (each with its contact, as an invoice event carries it) and Zendesk's
 * unsolved tickets (each with its requester's phone and assignee's email, as the documented
 * trigger body has them, ordered by the ticket's update time).
 */
import { CliError } from '../cli';
import { nextLink, PacedClient, VendorRefusal } from './paced-client';

/** One event as the connector reads it, and the time that orders it. */
export interface SyncedEvent {
  body: unknown;
  signedAtMs: number;
}

/** One page read, and where the next one starts (none: the end). */
export interface SyncPage {
  events: SyncedEvent[];
  next: string | undefined;
}

/** A source's listing, page by page from a position a checkpoint can keep. */
export interface SourceReader {
  /** What it lists, for the progress lines. */
  what: string;
  client: PacedClient;
  page(position: string | undefined): Promise<SyncPage>;
  /** The source's users who may own a contact: their alias in our directory and their email. */
  owners?(): Promise<SourceOwner[]>;
  /** Lines that help write the deployment's mapping (Pipedrive's label ids and names). */
  hints?(): Promise<string[]>;
}

/** A user of the source who may own contacts. */
export interface SourceOwner {
  /** The alias the connector names them by (`hubspot:<owner id>`). */
  alias: string;
  email: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Moneybird's documented limit: 150 requests per 5 minutes, per token, not raisable. */
const MONEYBIRD_LIMIT = { requests: 150, windowMs: 5 * 60_000 };
const UNPAID = 'state:open|pending_payment|reminded|late';
const FIRST_YEAR = 2000;

/**
 * Moneybird's `GET /{administration}/sales_invoices.json`, 100 a page, following the `Link`
 * header. `period` defaults to this year, so a wide custom range is asked for (from `since`,
 * 2000 by default); the widest range the API takes is not documented, so where it refuses one
 * (400), each year is read on its own.
 */
export function moneybirdReader(
  env: Env,
  flags: { apiUrl?: string; administration?: string; since?: number },
): SourceReader {
  const token = env.MONEYBIRD_API_TOKEN;
  if (!token)
    throw new CliError(
      'MONEYBIRD_API_TOKEN is not set: the API token (Moneybird → Instellingen → Ontwikkelaars)',
    );
  const administration = flags.administration ?? env.MONEYBIRD_ADMINISTRATION_ID;
  if (!administration || !/^\d{1,24}$/.test(administration)) {
    throw new CliError('--administration is required: the administration id in your Moneybird URL');
  }
  const base = `${(flags.apiUrl ?? 'https://moneybird.com/api/v2').replace(/\/+$/, '')}/${administration}/sales_invoices.json`;
  const client = new PacedClient('Moneybird', MONEYBIRD_LIMIT, { authorization: `Bearer ${token}` });
  const today = new Date().toISOString().slice(0, 10).replaceAll('-', '');
  const listing = (period: string) =>
    `${base}?${new URLSearchParams({ filter: `${UNPAID},period:${period}`, per_page: '100', page: '1' })}`;
  const yearly = (year: number) => listing(`${year}0101..${year}1231`);
  const since = flags.since ?? FIRST_YEAR;
  return {
    what: 'unpaid invoices',
    client,
    async page(position) {
      const url = position ?? listing(`${since}0101..${today}`);
      let answer: Awaited<ReturnType<PacedClient['get']>>;
      try {
        answer = await client.get(url);
      } catch (error) {
        if (position === undefined && error instanceof VendorRefusal && error.status === 400)
          return { events: [], next: yearly(since) };
        throw error;
      }
      if (!Array.isArray(answer.body))
        throw new CliError('Moneybird answered something other than a list of invoices', 1);
      const events = answer.body.map((invoice) => ({
        body: {
          entity_type: 'SalesInvoice',
          entity_id: (invoice as { id?: unknown }).id,
          action: 'sales_invoice_sync',
          entity: invoice,
        },
        signedAtMs: Date.now(),
      }));
      let next = nextLink(answer.headers.get('link'));
      const year = /period%3A(\d{4})0101\.\.\d{4}1231/.exec(url)?.[1];
      if (!next && year !== undefined && Number(year) < new Date().getFullYear())
        next = yearly(Number(year) + 1);
      return { events, next };
    },
  };
}

/** Zendesk's export search: 100 requests a minute per account. */
const ZENDESK_LIMIT = { requests: 100, windowMs: 60_000 };
const UNSOLVED = ['new', 'open', 'pending', 'hold'];

interface ZendeskUser {
  id: number;
  email?: string | null;
  phone?: string | null;
}

interface ZendeskTicketRow {
  id: number;
  status: string;
  updated_at: string;
  requester_id: number | null;
  assignee_id: number | null;
}

/**
 * Zendesk's `GET /api/v2/search/export` (cursor pagination), one status at a time
 * (`status:new`, `status:open`, …: each unambiguous, where `status<solved` is not confirmed),
 * with the requesters and assignees read by `users/show_many` unless the answer side-loaded them.
 */
export function zendeskReader(env: Env, flags: { apiUrl?: string; subdomain?: string }): SourceReader {
  const base =
    flags.apiUrl?.replace(/\/+$/, '') ??
    (flags.subdomain && /^[a-z0-9-]{1,63}$/.test(flags.subdomain)
      ? `https://${flags.subdomain}.zendesk.com/api/v2`
      : undefined);
  if (!base) throw new CliError('--subdomain is required: <name> of <name>.zendesk.com');
  const authorization = env.ZENDESK_OAUTH_TOKEN
    ? `Bearer ${env.ZENDESK_OAUTH_TOKEN}`
    : env.ZENDESK_API_TOKEN && env.ZENDESK_EMAIL
      ? `Basic ${Buffer.from(`${env.ZENDESK_EMAIL}/token:${env.ZENDESK_API_TOKEN}`).toString('base64')}`
      : undefined;
  if (!authorization) {
    throw new CliError(
      'set ZENDESK_EMAIL and ZENDESK_API_TOKEN (Admin Center → Apps and integrations → Zendesk API), or ZENDESK_OAUTH_TOKEN',
    );
  }
  const client = new PacedClient('Zendesk', ZENDESK_LIMIT, { authorization });
  const first = (status: string) =>
    `${base}/search/export.json?${new URLSearchParams({ query: `status:${status}`, 'filter[type]': 'ticket', 'page[size]': '100' })}`;
  return {
    what: 'unsolved tickets',
    client,
    async page(position) {
      const [statusIndex, url] = position
        ? (JSON.parse(position) as [number, string])
        : [0, first(UNSOLVED[0] as string)];
      const { body } = await client.get(url);
      const answer = body as {
        results?: ZendeskTicketRow[];
        users?: ZendeskUser[];
        meta?: { has_more?: boolean };
        links?: { next?: string | null };
      };
      const tickets = (answer.results ?? []).filter((ticket) => typeof ticket?.id === 'number');
      const users = new Map((answer.users ?? []).map((user) => [user.id, user]));
      const wanted = [
        ...new Set(tickets.flatMap((ticket) => [ticket.requester_id, ticket.assignee_id])),
      ].filter((id): id is number => typeof id === 'number' && !users.has(id));
      for (let index = 0; index < wanted.length; index += 100) {
        const ids = wanted.slice(index, index + 100).join(',');
        const shown = (await client.get(`${base}/users/show_many.json?ids=${ids}`)).body as {
          users?: ZendeskUser[];
        };
        for (const user of shown.users ?? []) users.set(user.id, user);
      }
      const events = tickets.map((ticket) => {
        const requester = ticket.requester_id === null ? undefined : users.get(ticket.requester_id);
        const assignee = ticket.assignee_id === null ? undefined : users.get(ticket.assignee_id);
        return {
          body: {
            ticket: {
              id: String(ticket.id),
              status: ticket.status,
              updated_at: ticket.updated_at,
              requester_id: ticket.requester_id === null ? '' : String(ticket.requester_id),
              requester_email: requester?.email ?? '',
              requester_phone: requester?.phone ?? '',
              assignee_id: ticket.assignee_id === null ? '' : String(ticket.assignee_id),
              assignee_email: assignee?.email ?? '',
            },
          },
          // The ticket's own update time orders it: a webhook of the same change, signed later, outranks it.
          signedAtMs: Date.parse(ticket.updated_at),
        };
      });
      const more = answer.meta?.has_more && answer.links?.next;
      const next = more
        ? JSON.stringify([statusIndex, answer.links?.next])
        : statusIndex + 1 < UNSOLVED.length
          ? JSON.stringify([statusIndex + 1, first(UNSOLVED[statusIndex + 1] as string)])
          : undefined;
      return { events, next };
    },
  };
}

/** HubSpot's private apps: 100 requests per 10 s on Free and Starter (190 on Professional and up). */
const HUBSPOT_LIMIT = { requests: 100, windowMs: 10_000 };
/** What every HubSpot contact is read for: the properties the shipped connector reads. */
const HUBSPOT_PROPERTIES = ['phone', 'mobilephone', 'hubspot_owner_id'];

interface HubspotPage<T> {
  results?: T[];
  paging?: { next?: { after?: string } };
}

/**
 * HubSpot's `GET /crm/v3/objects/contacts`, 100 a page by the `after` cursor, each contact as
 * the delivery of the property changes its webhook would send for it (phone, mobile phone, owner and the
 * `--properties` the deployment maps), at the contact's update time: a webhook of a later
 * change outranks it, one of an earlier change does not undo it.
 */
export function hubspotReader(env: Env, flags: { apiUrl?: string; properties?: string[] }): SourceReader {
  const token = env.HUBSPOT_ACCESS_TOKEN;
  if (!token) {
    throw new CliError(
      'HUBSPOT_ACCESS_TOKEN is not set: the access token of a private app (Settings → Integrations → Private apps) with the scopes crm.objects.contacts.read and crm.objects.owners.read',
    );
  }
  const base = (flags.apiUrl ?? 'https://api.hubapi.com').replace(/\/+$/, '');
  const properties = [...new Set([...HUBSPOT_PROPERTIES, ...(flags.properties ?? [])])];
  const unnamed = properties.find((name) => !/^[a-z0-9_]{1,100}$/.test(name));
  if (unnamed !== undefined) {
    throw new CliError(`--properties: "${unnamed.slice(0, 40)}" is no HubSpot property name (a-z, 0-9, _)`);
  }
  const client = new PacedClient('HubSpot', HUBSPOT_LIMIT, { authorization: `Bearer ${token}` });
  return {
    what: 'contacts',
    client,
    async page(position) {
      const query = new URLSearchParams({ limit: '100', properties: properties.join(',') });
      if (position) query.set('after', position);
      const { body } = await client.get(`${base}/crm/v3/objects/contacts?${query}`);
      const answer = body as HubspotPage<{
        id?: unknown;
        properties?: Record<string, unknown>;
        updatedAt?: unknown;
      }>;
      const events = (answer.results ?? []).flatMap((contact) => {
        const occurredAt = typeof contact.updatedAt === 'string' ? Date.parse(contact.updatedAt) : Number.NaN;
        if (typeof contact.id !== 'string' || !Number.isFinite(occurredAt)) return [];
        const body = properties.map((propertyName) => ({
          subscriptionType: 'contact.propertyChange',
          objectId: contact.id,
          propertyName,
          propertyValue: contact.properties?.[propertyName] ?? '',
          occurredAt,
        }));
        return [{ body, signedAtMs: occurredAt }];
      });
      return { events, next: answer.paging?.next?.after };
    },
    async owners() {
      const owners: SourceOwner[] = [];
      let after: string | undefined;
      do {
        const query = new URLSearchParams({ limit: '500', ...(after ? { after } : {}) });
        const { body } = await client.get(`${base}/crm/v3/owners?${query}`);
        const answer = body as HubspotPage<{ id?: unknown; email?: unknown }>;
        for (const owner of answer.results ?? []) {
          if (typeof owner.id === 'string' && typeof owner.email === 'string' && owner.email) {
            owners.push({ alias: `hubspot:${owner.id}`, email: owner.email });
          }
        }
        after = answer.paging?.next?.after;
      } while (after);
      return owners;
    },
  };
}

/** Pipedrive's burst limit for an API token on its smallest plan: 20 requests per 2 s. */
const PIPEDRIVE_LIMIT = { requests: 20, windowMs: 2_000 };

/**
 * Pipedrive's `GET /api/v2/persons`, 500 a page by `cursor`, each person as the `change` event
 * of webhooks v2 would carry it, at its update time.
 */
export function pipedriveReader(env: Env, flags: { apiUrl?: string; companyDomain?: string }): SourceReader {
  const token = env.PIPEDRIVE_API_TOKEN;
  if (!token)
    throw new CliError(
      'PIPEDRIVE_API_TOKEN is not set: your API token (Pipedrive → Personal preferences → API)',
    );
  const base =
    flags.apiUrl?.replace(/\/+$/, '') ??
    (flags.companyDomain && /^[a-z0-9-]{1,63}$/.test(flags.companyDomain)
      ? `https://${flags.companyDomain}.pipedrive.com`
      : undefined);
  if (!base) throw new CliError('--company-domain is required: <name> of <name>.pipedrive.com');
  const client = new PacedClient('Pipedrive', PIPEDRIVE_LIMIT, { 'x-api-token': token });
  return {
    what: 'persons',
    client,
    async page(position) {
      const query = new URLSearchParams({ limit: '500', ...(position ? { cursor: position } : {}) });
      const { body } = await client.get(`${base}/api/v2/persons?${query}`);
      const answer = body as {
        data?: { id?: unknown; update_time?: unknown }[];
        additional_data?: { next_cursor?: string | null };
      };
      const events = (answer.data ?? []).flatMap((person) => {
        const atMs = typeof person.update_time === 'string' ? Date.parse(person.update_time) : Number.NaN;
        if (typeof person.id !== 'number' || !Number.isFinite(atMs)) return [];
        return [
          {
            body: {
              meta: {
                action: 'change',
                entity: 'person',
                entity_id: String(person.id),
                timestamp: person.update_time,
              },
              data: person,
              previous: null,
            },
            signedAtMs: atMs,
          },
        ];
      });
      return { events, next: answer.additional_data?.next_cursor ?? undefined };
    },
    async owners() {
      const { body } = await client.get(`${base}/v1/users`);
      const users =
        (body as { data?: { id?: unknown; email?: unknown; active_flag?: unknown }[] }).data ?? [];
      return users.flatMap((user) =>
        typeof user.id === 'number' && typeof user.email === 'string' && user.active_flag !== false
          ? [{ alias: `pipedrive:${user.id}`, email: user.email }]
          : [],
      );
    },
    async hints() {
      const { body } = await client.get(`${base}/v1/personFields`);
      const fields =
        (body as { data?: { key?: unknown; options?: { id?: unknown; label?: unknown }[] }[] }).data ?? [];
      const labels =
        fields.find((field) => field.key === 'label_ids' || field.key === 'label')?.options ?? [];
      return labels.flatMap((option) =>
        typeof option.id === 'number' && typeof option.label === 'string'
          ? [
              `label "${option.label.slice(0, 40)}" is id ${option.id}: {"tag": "<tag>", "on": "contains(data.label_ids || \`[]\`, \`${option.id}\`)"}`,
            ]
          : [],
      );
    },
  };
}
