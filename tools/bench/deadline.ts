/** Time to the fallback when DynamoDB hangs, against the budget (belplan timeout less margin). */
import { performance } from 'node:perf_hooks';
import { credentialsFromEnvironment, parseConfig } from '../../lambda/config';
import { sha256Hex } from '../../lambda/http/access';
import { webhookDynamo, webhookStores } from '../../lambda/store/webhook-stores';
import { createWebhookHandler } from '../../lambda/webhook/handler';
import { startFaultyDynamo } from '../../local/fault-dynamo';
import { summarize } from '../stats';
import { BENCH_TABLE, BENCH_TOKEN, type BenchContext, benchEvent } from './context';

/** The fallback may come this much after the budget. */
const DEADLINE_SLACK_MS = 20;

export async function benchDeadline({ report, runs }: BenchContext): Promise<void> {
  const hang = await startFaultyDynamo('hang');
  const config = parseConfig({
    TABLE_NAME: BENCH_TABLE,
    AWS_ENDPOINT_URL_DYNAMODB: hang.endpoint,
    WEBHOOK_TOKEN_SHA256: sha256Hex(BENCH_TOKEN),
    BELPLAN_TIMEOUT_MS: '1000',
    SAFETY_MARGIN_MS: '500',
  });
  const client = webhookDynamo({ ...config, dynamodbMaxAttempts: 2 }, credentialsFromEnvironment());
  const handler = createWebhookHandler({
    config,
    ...webhookStores(client, config),
    log: () => undefined,
  });
  const budgetMs = config.belplanTimeoutMs - config.safetyMarginMs;
  const answers: number[] = [];
  try {
    for (let run = 0; run < runs.deadline; run++) {
      const started = performance.now();
      const result = await handler(benchEvent());
      answers.push(performance.now() - started);
      if (result.body !== 'default') throw new Error('the deadline answer was not the fallback');
    }
  } finally {
    client.destroy();
    await hang.close();
  }
  const worstOverMs = Math.max(...answers) - budgetMs;
  report.measured(
    `deadline: fallback when DynamoDB hangs (budget ${budgetMs} ms)`,
    'ms',
    summarize(answers),
    {
      goal: `≤ budget + ${DEADLINE_SLACK_MS} ms (worst ${worstOverMs >= 0 ? '+' : ''}${worstOverMs.toFixed(1)} ms)`,
      met: worstOverMs <= DEADLINE_SLACK_MS,
    },
  );
}
