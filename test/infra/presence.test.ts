/**
 * The presence sync in the template: only with the `presence` setting; a schedule at the
 * interval, a function whose role reads the directory and the roster and writes only rosters,
 * reads the connectors' secret, and an alarm after failed runs in a row. No secret anywhere.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { PRESENCE_ALARM_RUNS } from '../../infra/presence-sync';
import { readSettings } from '../../infra/settings';
import { PRESENCE_CONTEXT, testTemplate } from '../support/cdk-app';

const DESCRIPTION = 'Presence sync: Teams presence and automatic replies from Microsoft 365 into the roster';

describe('the presence sync in the stack', () => {
  it('is not there without the setting', () => {
    testTemplate().resourceCountIs('AWS::Events::Rule', 0);
  });

  const template = testTemplate({ presence: { ...PRESENCE_CONTEXT, intervalSeconds: 120 } });
  // biome-ignore lint/suspicious/noExplicitAny: template properties are read as CloudFormation shapes them
  type Properties = Record<string, any>;
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Properties }>;
  const [functionId, fn] = Object.entries(resources).find(
    ([, resource]) =>
      resource.Type === 'AWS::Lambda::Function' && resource.Properties.Description === DESCRIPTION,
  ) as [string, { Properties: Properties }];

  it('runs on a schedule at the interval, without retries, one pass at a time', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(2 minutes)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [functionId, 'Arn'] },
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 0 }),
        }),
      ],
    });
    expect(fn.Properties.ReservedConcurrentExecutions).toBe(1);
    expect(fn.Properties.Timeout).toBe(110);
  });

  it('gets its settings and the secret store by name, never a secret', () => {
    const variables = fn.Properties.Environment.Variables;
    expect(Object.keys(variables).sort()).toEqual(['CONNECTOR_SECRETS_ID', 'PRESENCE', 'TABLE_NAME']);
    expect(JSON.parse(variables.PRESENCE)).toEqual({ ...PRESENCE_CONTEXT, intervalSeconds: 120 });
  });

  it('may read the directory and the roster, write only rosters, and read the secret', () => {
    const roleId = fn.Properties.Role['Fn::GetAtt'][0];
    const statements = Object.values(resources)
      .filter((resource) => resource.Type === 'AWS::IAM::Policy')
      .filter((policy) => policy.Properties.Roles.some((role: { Ref: string }) => role.Ref === roleId))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
    const dynamo = statements.filter((statement) => String(statement.Action).startsWith('dynamodb:'));
    expect(dynamo.map((statement) => [statement.Action, statement.Condition])).toEqual([
      [
        'dynamodb:GetItem',
        { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['*#agents', '*#directory'] } },
      ],
      ['dynamodb:UpdateItem', { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['*#agents'] } }],
    ]);
    const actions = statements.flatMap((statement) => [statement.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['secretsmanager:GetSecretValue']));
    expect(actions.filter((action: string) => /Scan|Query|Delete|PutItem|\*/.test(action))).toEqual([]);
  });

  it(`alarms after ${PRESENCE_ALARM_RUNS} failed runs in a row`, () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      EvaluationPeriods: PRESENCE_ALARM_RUNS,
      DatapointsToAlarm: PRESENCE_ALARM_RUNS,
      AlarmDescription: Match.stringLikeRegexp('presence sync failed'),
    });
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      MetricTransformations: [Match.objectLike({ MetricName: 'PresenceFailedPasses' })],
    });
  });

  it.each<[string, unknown, string]>([
    [
      'an interval that is no whole minute',
      { ...PRESENCE_CONTEXT, intervalSeconds: 90 },
      'presence.intervalSeconds is 90: the schedule runs in whole minutes',
    ],
    [
      'a client secret in the setting',
      { companies: [{ ...PRESENCE_CONTEXT.companies[0], clientSecret: 'x' }] },
      'unknown field clientSecret',
    ],
  ])('refuses %s at synth, naming it', (_name, presence, message) => {
    expect(() => readSettings({ presence })).toThrow(message);
  });
});
