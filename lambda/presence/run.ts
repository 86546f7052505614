/**
 * A run of the presence sync: one pass per configured company, each on its own (one company's
 * failure leaves the others' passes standing), and one log line per company that says what
 * happened in counts — never a name, an email, an object id or whose presence it was.
 * Shared by the scheduled function, `npm start` and `npm run callers -- presence`.
 */
import type { ConnectorSecrets } from '../connectors/secrets';
import type { AdminStores } from '../store/admin-stores';
import {
  GraphClient,
  type GraphSettings,
  GraphUnavailableError,
  type PassDeadline,
  passDeadline,
  TokenRefusedError,
} from './graph';
import { PRESENCE_SECRET_SOURCE, type PresenceCompany, type PresenceSettings } from './settings';
import { type PassResult, presencePass } from './sync';

/** Where Microsoft is: AWS uses the real endpoints; the tests and `npm start` a stand-in. */
export interface MicrosoftEndpoints {
  loginUrl: string;
  graphUrl: string;
}

const MICROSOFT_ENDPOINTS: MicrosoftEndpoints = {
  loginUrl: 'https://login.microsoftonline.com',
  graphUrl: 'https://graph.microsoft.com',
};

/** Microsoft's endpoints, or the stand-ins PRESENCE_LOGIN_URL and PRESENCE_GRAPH_URL name. */
export function microsoftEndpoints(env: Readonly<Record<string, string | undefined>>): MicrosoftEndpoints {
  return {
    loginUrl: env.PRESENCE_LOGIN_URL || MICROSOFT_ENDPOINTS.loginUrl,
    graphUrl: env.PRESENCE_GRAPH_URL || MICROSOFT_ENDPOINTS.graphUrl,
  };
}

/** One company's line: the pass's counts, or why it failed. */
export interface PresenceLogLine {
  fn: 'presence';
  comId: string;
  outcome: PassResult['outcome'] | 'failed' | 'refused';
  agents?: number;
  found?: number;
  away?: number;
  changed?: number;
  repliesRead?: boolean;
  reason?: string;
  durationMs: number;
}

export interface PresenceRunDeps {
  settings: PresenceSettings;
  stores: Pick<AdminStores, 'roster' | 'directory'>;
  secrets: ConnectorSecrets;
  endpoints: MicrosoftEndpoints;
  log: (line: PresenceLogLine) => void;
  now?: () => number;
  dryRun?: boolean;
}

/** The Graph clients of this environment, one per company: each keeps its token between runs. */
export class PresenceSync {
  private readonly clients = new Map<string, GraphClient>();

  constructor(private readonly deps: PresenceRunDeps) {}

  /**
   * One pass per company within `budgetMs` (a pass still waiting on Graph then fails);
   * resolves with each pass's result (undefined for a failed one).
   */
  async run(budgetMs: number): Promise<Array<PassResult | undefined>> {
    const now = this.deps.now ?? Date.now;
    const deadline = passDeadline(budgetMs, now);
    return Promise.all(this.deps.settings.companies.map((company) => this.pass(company, deadline, now)));
  }

  private async pass(company: PresenceCompany, deadline: PassDeadline, now: () => number) {
    const startedMs = now();
    const line = (fields: Omit<PresenceLogLine, 'fn' | 'comId' | 'durationMs'>) =>
      this.deps.log({ fn: 'presence', comId: company.comId, ...fields, durationMs: now() - startedMs });
    try {
      const result = await presencePass(company, {
        ...this.deps.stores,
        graph: this.client(company),
        settings: this.deps.settings,
        nowMs: startedMs,
        deadline,
        ...(this.deps.dryRun ? { dryRun: true } : {}),
      });
      line({
        outcome: result.outcome,
        agents: result.agents,
        found: result.found,
        away: result.away,
        changed: result.changes.length,
        repliesRead: result.repliesRead,
      });
      return result;
    } catch (error) {
      if (error instanceof TokenRefusedError) line({ outcome: 'refused', reason: error.message });
      else if (error instanceof GraphUnavailableError) line({ outcome: 'failed', reason: error.message });
      else line({ outcome: 'failed', reason: `the table or the secret store: ${(error as Error).name}` });
      return undefined;
    }
  }

  private client(company: PresenceCompany): GraphClient {
    let client = this.clients.get(company.comId);
    if (!client) {
      const settings: GraphSettings = {
        tenantId: company.tenantId,
        appId: company.appId,
        ...this.deps.endpoints,
      };
      client = new GraphClient(settings, () => this.secretOf(company.comId), this.deps.now);
      this.clients.set(company.comId, client);
    }
    return client;
  }

  private async secretOf(comId: string): Promise<string> {
    const secret = (await this.deps.secrets.secretOf(comId, PRESENCE_SECRET_SOURCE))?.secrets[0];
    if (!secret)
      throw new TokenRefusedError(
        'no-secret',
        `no ${PRESENCE_SECRET_SOURCE} client secret is set for company ${comId}: set it with npm run callers -- secret ${PRESENCE_SECRET_SOURCE}`,
      );
    return secret;
  }
}
