/**
 * A vendor API client for the first sync: JSON GETs within the vendor's documented rate limit
 * (a budget of requests per window, spent as it refills), a 429's `Retry-After` obeyed, a
 * failure that may pass by itself tried again, and a refused token said in words.
 */
import { CliError } from '../cli';

/** The vendor's documented limit: `requests` per `windowMs`. */
export interface RateLimit {
  requests: number;
  windowMs: number;
}

/** One answer: its body read as JSON, and its headers. */
export interface PagedAnswer {
  body: unknown;
  headers: Headers;
}

const ATTEMPTS = 6;
const FIRST_DELAY_MS = 500;
/** The longest `Retry-After` waited for; a longer one ends the run (the checkpoint keeps the place). */
const MAX_RETRY_AFTER_MS = 10 * 60_000;

export class PacedClient {
  private readonly sent: number[] = [];
  /** Requests made and the pauses a 429 asked for, for the summary. */
  readonly stats = { requests: 0, throttled: 0 };

  constructor(
    private readonly vendor: string,
    private readonly limit: RateLimit,
    private readonly headers: Record<string, string>,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /**
   * GETs `url`, within the rate limit.
   * @throws CliError for a refused token, a 4xx, or failures that did not pass.
   */
  async get(url: string): Promise<PagedAnswer> {
    for (let attempt = 1; ; attempt++) {
      await this.turn();
      let response: Response;
      try {
        response = await fetch(url, {
          headers: { accept: 'application/json', ...this.headers },
          signal: AbortSignal.timeout(30_000),
        });
      } catch (error) {
        if (attempt >= ATTEMPTS)
          throw new CliError(
            `${this.vendor} did not answer (${(error as Error).name}); run the sync again to go on`,
            1,
          );
        await this.sleep(FIRST_DELAY_MS * 2 ** (attempt - 1));
        continue;
      }
      if (response.ok) return { body: await response.json(), headers: response.headers };
      await response.body?.cancel();
      if (response.status === 401 || response.status === 403) {
        throw new CliError(
          `${this.vendor} refused the token (${response.status}): check the token in the environment and its rights`,
        );
      }
      if (response.status === 429) {
        this.stats.throttled++;
        // Pipedrive says when its window resets in x-ratelimit-reset (seconds) rather than Retry-After.
        const waitMs =
          retryAfterMs(response.headers.get('retry-after')) ??
          retryAfterMs(response.headers.get('x-ratelimit-reset')) ??
          FIRST_DELAY_MS * 2 ** attempt;
        if (waitMs > MAX_RETRY_AFTER_MS)
          throw new CliError(
            `${this.vendor} asks to wait ${Math.round(waitMs / 60_000)} minutes; run the sync again then`,
            1,
          );
        await this.sleep(waitMs);
        attempt = 0;
        continue;
      }
      if (response.status >= 500 && attempt < ATTEMPTS) {
        await this.sleep(FIRST_DELAY_MS * 2 ** (attempt - 1));
        continue;
      }
      throw new VendorRefusal(
        response.status,
        `${this.vendor} answered ${response.status} to ${new URL(url).pathname}`,
      );
    }
  }

  /** Waits until a request fits the rate limit. */
  private async turn(): Promise<void> {
    for (;;) {
      const now = Date.now();
      while (this.sent.length > 0 && (this.sent[0] as number) <= now - this.limit.windowMs) this.sent.shift();
      if (this.sent.length < this.limit.requests) {
        this.sent.push(now);
        this.stats.requests++;
        return;
      }
      await this.sleep((this.sent[0] as number) + this.limit.windowMs - now);
    }
  }
}

/** An answer a retry cannot change. */
export class VendorRefusal extends CliError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message, 1);
  }
}

/** `Retry-After` in ms: seconds, or an HTTP date. */
export function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(at - Date.now(), 0) : undefined;
}

/** The `rel="next"` URL of a `Link` header. */
export function nextLink(header: string | null): string | undefined {
  for (const part of (header ?? '').split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(part);
    if (match) return match[1];
  }
  return undefined;
}
