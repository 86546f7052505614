/**
 * The two Microsoft endpoints the presence sync talks to: the identity platform's token
 * endpoint (client credentials) and Graph (presences in batches of at most 650 ids, each
 * agent's automatic replies). Every request within the pass's deadline; a 429 or 503 waits the
 * `Retry-After` Graph gives when it fits the deadline, and fails the pass otherwise; an expired
 * token is fetched anew once.
 */
import type { GraphAutomaticReplies, GraphPresence } from '../domain/presence';

/** getPresencesByUserId takes at most 650 ids a request (Graph's documentation). */
export const PRESENCE_BATCH = 650;
/** Automatic-replies reads in flight at once. */
const REPLIES_CONCURRENCY = 4;
/** One request's own limit, inside the pass's deadline. */
const REQUEST_TIMEOUT_MS = 10_000;
/** A token is fetched anew this long before Microsoft says it expires. */
const TOKEN_EARLY_MS = 5 * 60_000;

export interface GraphSettings {
  tenantId: string;
  appId: string;
  /** Where the token endpoint is: `https://login.microsoftonline.com` in AWS. */
  loginUrl: string;
  /** Where Graph is: `https://graph.microsoft.com`. */
  graphUrl: string;
}

/** The token endpoint refused the app's credentials: the setting to look at is named. */
export class TokenRefusedError extends Error {
  override readonly name = 'TokenRefusedError';
  /** `code`: what Microsoft answered; `message`: instead, when there was nothing to send. */
  constructor(code: string, message?: string) {
    super(
      message ??
        `Microsoft refused the presence sync's credentials (${code}): check presence.tenantId, presence.appId and ` +
          'the microsoft365 client secret (npm run callers -- secret microsoft365)',
    );
  }
}

/** Graph or the token endpoint did not answer usefully in time. */
export class GraphUnavailableError extends Error {
  override readonly name = 'GraphUnavailableError';
}

type Fetch = typeof fetch;

export class GraphClient {
  private token: { value: string; expiresMs: number } | undefined;

  constructor(
    private readonly settings: GraphSettings,
    private readonly secret: () => Promise<string>,
    private readonly now: () => number = Date.now,
    private readonly fetcher: Fetch = fetch,
  ) {}

  /** The presences of `ids` (Entra object ids), by id; ids Graph does not know are left out. */
  async presences(ids: readonly string[], deadline: PassDeadline): Promise<Map<string, GraphPresence>> {
    const found = new Map<string, GraphPresence>();
    for (let start = 0; start < ids.length; start += PRESENCE_BATCH) {
      const body = JSON.stringify({ ids: ids.slice(start, start + PRESENCE_BATCH) });
      const answer = (await this.graph(
        'POST',
        '/v1.0/communications/getPresencesByUserId',
        deadline,
        body,
      )) as {
        value?: Array<GraphPresence & { id?: string }>;
      };
      for (const presence of answer?.value ?? []) if (presence.id) found.set(presence.id, presence);
    }
    return found;
  }

  /** Each agent's automatic-replies setting, by id; a user without a mailbox is left out. */
  async automaticReplies(
    ids: readonly string[],
    deadline: PassDeadline,
  ): Promise<Map<string, GraphAutomaticReplies>> {
    const found = new Map<string, GraphAutomaticReplies>();
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++] as string;
        const path = `/v1.0/users/${encodeURIComponent(id)}/mailboxSettings/automaticRepliesSetting`;
        const answer = await this.graph('GET', path, deadline);
        if (answer) found.set(id, answer as GraphAutomaticReplies);
      }
    };
    await Promise.all(Array.from({ length: Math.min(REPLIES_CONCURRENCY, ids.length) }, worker));
    return found;
  }

  /** One Graph request: its JSON, or undefined for a 404. */
  private async graph(method: string, path: string, deadline: PassDeadline, body?: string): Promise<unknown> {
    let renewed = false;
    for (;;) {
      const token = await this.bearer(deadline);
      const response = await this.send(`${this.settings.graphUrl}${path}`, deadline, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          // Automatic replies' times in UTC, whatever zone the mailbox keeps.
          prefer: 'outlook.timezone="UTC"',
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body } : {}),
      });
      if (response.status === 401 && !renewed) {
        // Expired or revoked: one new token, then the request once more.
        this.token = undefined;
        renewed = true;
        continue;
      }
      if (response.status === 404) return undefined;
      if (response.ok) return response.json();
      if (response.status === 403) {
        throw new TokenRefusedError(
          `Graph answered 403: grant the app Presence.Read.All and MailboxSettings.Read`,
        );
      }
      await this.waitOut(response, deadline);
    }
  }

  private async bearer(deadline: PassDeadline): Promise<string> {
    if (this.token && this.token.expiresMs > this.now()) return this.token.value;
    const form = new URLSearchParams({
      client_id: this.settings.appId,
      client_secret: await this.secret(),
      scope: 'https://graph.microsoft.com/.default',
      grant_type: 'client_credentials',
    });
    for (;;) {
      const response = await this.send(
        `${this.settings.loginUrl}/${encodeURIComponent(this.settings.tenantId)}/oauth2/v2.0/token`,
        deadline,
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: form.toString(),
        },
      );
      if (response.ok) {
        const answer = (await response.json()) as { access_token?: string; expires_in?: number };
        if (!answer.access_token)
          throw new GraphUnavailableError('the token endpoint answered no access_token');
        const lifetimeMs = Math.max(0, Number(answer.expires_in ?? 0) * 1000 - TOKEN_EARLY_MS);
        this.token = { value: answer.access_token, expiresMs: this.now() + lifetimeMs };
        return answer.access_token;
      }
      if (response.status === 400 || response.status === 401) {
        const answer = (await response.json().catch(() => ({}))) as { error?: string };
        throw new TokenRefusedError(String(answer.error ?? response.status).slice(0, 40));
      }
      await this.waitOut(response, deadline);
    }
  }

  private async send(url: string, deadline: PassDeadline, init: RequestInit): Promise<Response> {
    try {
      return await this.fetcher(url, {
        ...init,
        signal: AbortSignal.any([deadline.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
      });
    } catch (error) {
      throw new GraphUnavailableError(
        deadline.signal.aborted
          ? 'Microsoft did not answer within the pass'
          : `no answer from Microsoft (${(error as Error).name})`,
      );
    }
  }

  /** 429/5xx: waits the Retry-After when the deadline allows it, else fails the pass. */
  private async waitOut(response: Response, deadline: PassDeadline): Promise<void> {
    await response.body?.cancel();
    const retryable = response.status === 429 || response.status >= 500;
    const seconds = Number(response.headers.get('retry-after') ?? '1');
    const waitMs = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 1000;
    if (!retryable) throw new GraphUnavailableError(`Microsoft answered ${response.status}`);
    const left = deadline.signal.aborted ? 0 : deadline.endsAtMs - this.now();
    if (waitMs >= left) {
      throw new GraphUnavailableError(
        `Microsoft answered ${response.status}, retry after ${seconds} s: beyond this pass`,
      );
    }
    await new Promise<void>((resolve) => setTimeout(resolve, waitMs));
  }
}

/** A pass's deadline: its signal for the requests, and when it ends, for a wait to tell whether it fits. */
export interface PassDeadline {
  signal: AbortSignal;
  endsAtMs: number;
}

/** A deadline `ms` from now. */
export function passDeadline(ms: number, now: () => number = Date.now): PassDeadline {
  return { signal: AbortSignal.timeout(ms), endsAtMs: now() + ms };
}
