/**
 * `npm run measure` against a stand-in of the Lambda and CloudWatch Logs APIs that behaves as
 * AWS does: a call counts as cold only when its REPORT line proves it, and cold starts are
 * really forced on what is measured.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { main } from '../../../tools/measure';
import { type AwsStandIn, startAwsStandIn } from '../../support/aws-standin';
import { runTool } from '../../support/cli';
import { whereRuntimeClientRuns } from '../../support/runtime-client';

const _run = promisify(execFile);

let aws: AwsStandIn;
beforeEach(async () => {
  aws = await startAwsStandIn({ logDelayMs: 1000 });
});
afterEach(() => aws.close());

/** `npm run measure -- <args>` with the SDK pointed at the stand-in. */
const measure = (args: string[], env: Record<string, string | undefined> = {}) =>
  runTool(main, 'measure', args, {
    HOME: '/nonexistent',
    AWS_ENDPOINT_URL_LAMBDA: aws.endpoint,
    AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: aws.endpoint,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...env,
  });

it('forces cold starts on $LATEST, proves each by its Init Duration, and puts the configuration back', async () => {
  // Act
  const { code, stdout } = await measure([
    '--function',
    aws.functionName,
    '--token',
    't',
    '--cold',
    '3',
    '--warm',
    '4',
  ]);

  // Assess
  expect(code).toBe(0);
  expect(stdout).toContain('3 of 3 cold calls proven cold by an Init Duration in their REPORT line');
  expect(stdout).toMatch(/Lambda Init Duration +p50 +180\.4/);
  expect(stdout).toMatch(/warm \(4 calls\)/);
  expect(aws.invocations.map((call) => [call.version, call.cold])).toEqual([
    ...Array.from({ length: 3 }, () => ['$LATEST', true]),
    ...Array.from({ length: 4 }, () => ['$LATEST', false]),
  ]);
  expect(aws.latestVariables()).toEqual({ BELPLAN_TIMEOUT_MS: '2000' });
}, 120_000);

it('with --redeploy, measures through the Function URL on fresh versions, then moves the alias back', async () => {
  const args = [
    '--function',
    aws.functionName,
    '--url',
    aws.functionUrl,
    '--token',
    't',
    '--cold',
    '2',
    '--warm',
    '2',
  ];
  const { code, stdout } = await measure([...args, '--redeploy']);

  expect(code).toBe(0);
  expect(stdout).toContain('2 of 2 cold calls proven cold');
  expect(aws.invocations.slice(0, 2).every((call) => call.cold && call.version !== '1')).toBe(true);
  expect([aws.aliasVersion(), aws.versionCount(), aws.latestVariables()]).toEqual([
    '1',
    1,
    { BELPLAN_TIMEOUT_MS: '2000' },
  ]);
}, 120_000);

it('says so and fails, printing no table, when no cold call could be proven cold', async () => {
  // The REPORT lines never arrive within the wait: nothing is proven.
  await aws.close();
  aws = await startAwsStandIn({ logDelayMs: 600_000 });
  const { code, stdout, stderr } = await measure([
    '--function',
    aws.functionName,
    '--token',
    't',
    '--cold',
    '2',
    '--warm',
    '0',
    '--logs-wait',
    '3',
  ]);
  expect(code).toBe(1);
  expect(stderr).toContain('none of the 2 cold calls was proven cold');
  expect(stdout).not.toContain('Lambda Duration');
}, 120_000);

it.each<[string, Record<string, string | undefined>, string]>([
  ['no region', { AWS_REGION: undefined }, 'no AWS region: set AWS_REGION'],
  [
    'no credentials',
    { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
    'no AWS credentials: set AWS_PROFILE',
  ],
])(
  'says which variables to set with %s',
  async (_name, env, message) => {
    const { code, stderr } = await measure(['--function', aws.functionName, '--token', 't'], env);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  },
  120_000,
);

it('names the stack output to take when the function is not found', async () => {
  const { code, stderr } = await measure(['--function', 'no-such-function', '--token', 't']);
  expect(code).toBe(2);
  expect(stderr).toContain(
    'no function "no-such-function": give --function the stack output WebhookFunctionName',
  );
}, 120_000);

whereRuntimeClientRuns('npm run measure -- --local')('--local', () => {
  it('measures the bundle under the runtime client here: cold starts proven, the same table', async () => {
    const { code, stdout } = await measure(['--local', '--cold', '2', '--warm', '3']);

    expect(code).toBe(0);
    expect(stdout).toContain('under aws-lambda-ric on Node.js 24');
    expect(stdout).toContain('2 of 2 cold calls proven cold by an Init Duration in their REPORT line');
    expect(stdout).toMatch(/cold \(2 calls\)[\s\S]*Lambda Init Duration +p50 +\d+\.\d/);
    expect(stdout).toMatch(/warm \(3 calls\)[\s\S]*margin under the 2000 ms belplan timeout/);
  }, 300_000);

  it('takes deployment settings as cdk deploy -c does, and says which one is wrong', async () => {
    const three = await measure(['--local', '--cold', '1', '--warm', '0', '-c', 'belplanTimeoutMs=3000']);
    const wrong = await measure(['--local', '-c', 'belplanTimeoutMs=99999']);

    expect(three.code).toBe(0);
    expect(three.stdout).toContain('margin under the 3000 ms belplan timeout');
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/belplanTimeoutMs[^\n]*99999/);
    expect(wrong.stderr).not.toMatch(/\n\s+at /);
  }, 300_000);
});
