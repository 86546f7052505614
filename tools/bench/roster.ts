/**
 * What a roster at its limit costs the webhook: the one GetItem of a company's roster with
 * `MAX_AGENTS` agents (names of 128 characters, half of them away) beside one of a single
 * agent, read as the webhook reads it when its cache is cold.
 */
import { performance } from 'node:perf_hooks';
import { credentialsFromEnvironment, DEFAULTS } from '../../lambda/config';
import { MAX_AGENTS } from '../../lambda/domain/availability';
import { createDynamoClient } from '../../lambda/store/client';
import { DynamoRosterReader } from '../../lambda/store/roster-reader';
import { webhookDynamo } from '../../lambda/store/webhook-stores';
import { ensureCallerTable, startDynalite } from '../../local/dynamo';
import { summarize } from '../stats';
import { toolStores } from '../tables';
import type { BenchContext } from './context';

export async function benchRoster({ report, runs }: BenchContext): Promise<void> {
  const dynamo = await startDynalite();
  const client = createDynamoClient({ region: DEFAULTS.region, endpoint: dynamo.endpoint, maxAttempts: 1 });
  try {
    const table = { tableName: 'bench-roster', retentionDays: DEFAULTS.retentionDays };
    await ensureCallerTable(client, table.tableName);
    const { roster } = toolStores(client, table);
    const nowMs = Date.now();
    await roster.putAgent('small', '1003', { available: false, name: 'A'.repeat(128) }, nowMs);
    for (let agent = 0; agent < MAX_AGENTS; agent += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          roster.putAgent(
            'full',
            String(10_000 + agent + i),
            { available: (agent + i) % 2 === 0, name: 'A'.repeat(128) },
            nowMs,
          ),
        ),
      );
    }
    const webhookClient = webhookDynamo(
      { ...DEFAULTS, dynamodbEndpoint: dynamo.endpoint },
      credentialsFromEnvironment(),
    );
    const reader = new DynamoRosterReader(webhookClient, table);
    const timesOf = async (comId: string) => {
      const times: number[] = [];
      for (let run = 0; run < runs.deadline * 20; run++) {
        const started = performance.now();
        await reader.loadRoster(comId, AbortSignal.timeout(5000));
        times.push(performance.now() - started);
      }
      return summarize(times);
    };
    const small = await timesOf('small');
    const full = await timesOf('full');
    webhookClient.destroy();
    report.compared(`roster read: ${MAX_AGENTS} agents (the limit)`, 'ms', full, {
      name: 'roster read: 1 agent',
      value: small,
    });
  } finally {
    client.destroy();
    await dynamo.close();
  }
}
