/** The admin side's stores on one client and one retry policy: what the admin entry, `npm start` and the tools wire up. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ActivityStore } from './activity-store';
import type { TableOptions } from './call-recorder';
import { CallerStore } from './caller-store';
import { ContactStore } from './contact-store';
import { DirectoryStore } from './directory-store';
import { type RetryPolicy, tableRequests } from './requests';
import { RosterStore } from './roster-store';

/** The callers, rosters, directories and connector contacts of one table. */
export interface AdminStores {
  callers: CallerStore;
  roster: RosterStore;
  directory: DirectoryStore;
  contacts: ContactStore;
  activity: ActivityStore;
}

/** The stores; their client should make one attempt per request, since `policy` retries. */
export function adminStores(client: DynamoDBClient, table: TableOptions, policy: RetryPolicy): AdminStores {
  const requests = tableRequests(policy);
  return {
    callers: new CallerStore(client, table, requests),
    roster: new RosterStore(client, table, requests),
    directory: new DirectoryStore(client, table, requests),
    contacts: new ContactStore(client, table, requests),
    activity: new ActivityStore(client, table, requests),
  };
}

/** The same stores with every request within `deadline`. */
export function storesWithin(stores: AdminStores, deadline: AbortSignal): AdminStores {
  return {
    callers: stores.callers.within(deadline),
    roster: stores.roster.within(deadline),
    directory: stores.directory.within(deadline),
    contacts: stores.contacts.within(deadline),
    activity: stores.activity.within(deadline),
  };
}
