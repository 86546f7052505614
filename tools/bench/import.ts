/**
 * The import's throughput on dynalite: rows per second for a CRM export of new callers, and
 * for the same file again (every row unchanged: read, compared, nothing written).
 */
import { performance } from 'node:perf_hooks';
import { DEFAULTS } from '../../lambda/config';
import { createDynamoClient } from '../../lambda/store/client';
import { DEMO_COMPANY } from '../../local/demo';
import { ensureCallerTable, startDynalite } from '../../local/dynamo';
import { planImport } from '../import';
import { runImport } from '../import-writer';
import { summarize } from '../stats';
import { toolStores } from '../tables';
import type { BenchContext } from './context';

export async function benchImport({ report, runs }: BenchContext): Promise<void> {
  const dynamo = await startDynalite();
  const client = createDynamoClient({ region: DEFAULTS.region, endpoint: dynamo.endpoint, maxAttempts: 1 });
  try {
    const table = { tableName: 'bench-import', retentionDays: DEFAULTS.retentionDays };
    await ensureCallerTable(client, table.tableName);
    const stores = toolStores(client, table);
    const lines = ['number,openInvoices,ticketAgent,name'];
    for (let i = 0; i < runs.importRows; i++) {
      lines.push(`06${String(10_000_000 + i)},${i % 3},${i % 5 === 0 ? 1000 + (i % 7) : ''},Klant ${i}`);
    }
    const nowMs = Date.now();
    const plan = planImport(lines.join('\n'), DEFAULTS.defaultCountryCode, nowMs);
    for (const pass of ['new callers', 'the same file again'] as const) {
      const started = performance.now();
      const result = await runImport(plan, stores, DEMO_COMPANY, { nowMs });
      const seconds = (performance.now() - started) / 1000;
      if (result.failed.length > 0 || result.notAttempted > 0)
        throw new Error(`the import of ${pass} failed rows`);
      const perSecond = runs.importRows / seconds;
      report.measured(`import: ${runs.importRows} rows of ${pass}`, 'rows/s', summarize([perSecond]));
    }
  } finally {
    client.destroy();
    await dynamo.close();
  }
}
