/**
 * The admin API as the console calls it: the token from this tab's sessionStorage as the
 * bearer header (never in a URL), the company as `com_id`, errors as the API words them.
 */

const TOKEN_KEY = 'callvoip-console-token';
const COMPANY_KEY = 'callvoip-console-company';

export interface Session {
  token: string;
  company: string;
}

export function session(): Session | undefined {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const company = sessionStorage.getItem(COMPANY_KEY);
  return token && company ? { token, company } : undefined;
}

export function signIn(value: Session): void {
  sessionStorage.setItem(TOKEN_KEY, value.token);
  sessionStorage.setItem(COMPANY_KEY, value.company);
}

export function signOut(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** The last company signed in to, to fill the form with. */
export function lastCompany(): string {
  return sessionStorage.getItem(COMPANY_KEY) ?? new URLSearchParams(location.search).get('com_id') ?? '';
}

/** An answer that was not 2xx: its status and the API's own message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Where the admin API is: the folder the console is served from. */
const BASE = new URL('..', new URL(location.pathname.endsWith('/') ? location.href : `${location.href}/`));

/** One request; `undefined` for a 204 or a 404 when `missing` says so. */
export async function request<T>(
  method: 'GET' | 'PUT' | 'DELETE' | 'POST',
  path: string,
  options: { body?: unknown; query?: Record<string, string>; session?: Session } = {},
): Promise<T> {
  const current = options.session ?? session();
  if (!current) throw new ApiError(401, 'not signed in');
  const url = new URL(path.replace(/^\//, ''), BASE);
  url.searchParams.set('com_id', current.company);
  for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${current.token}`,
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'unreachable');
  }
  if (response.status === 204) return undefined as T;
  const body = (await response.json().catch(() => ({}))) as { error?: string };
  if (!response.ok) throw new ApiError(response.status, body.error ?? String(response.status));
  return body as T;
}
