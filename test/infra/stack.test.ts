import { Match, type Template } from 'aws-cdk-lib/assertions';
import { sha256Hex } from '../../lambda/http/access';
import { CALLER_TABLE } from '../../lambda/store/items';
import { STACK_ADMIN_TOKEN, STACK_WEBHOOK_TOKEN, testTemplate } from '../support/cdk-app';

type Resource = {
  Type: string;
  // biome-ignore lint/suspicious/noExplicitAny: template properties are read as CloudFormation shapes them
  Properties: Record<string, any>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};

const WEBHOOK_DESCRIPTION = 'Answers the Callvoip Webhook app';
const ADMIN_DESCRIPTION = 'Admin API of the Callvoip webhook: caller facts, who answered, agents, erasure';

/** The one resource of `type` whose properties match, with its logical id. */
function only(template: Template, type: string, properties: Record<string, unknown> = {}) {
  const found = Object.entries(template.findResources(type, { Properties: Match.objectLike(properties) }));
  expect(found).toHaveLength(1);
  const [id, resource] = found[0] as [string, Resource];
  return { id, ...resource };
}

const fn = (template: Template, description: string) =>
  only(template, 'AWS::Lambda::Function', { Description: description });

/** Every IAM statement that applies to the role of the function described `description`. */
function statementsOfFunctionRole(template: Template, description: string) {
  const roleId = fn(template, description).Properties.Role['Fn::GetAtt'][0] as string;
  const role = template.toJSON().Resources[roleId] as Resource;
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as Resource[];
  const attached = policies.filter((policy) =>
    policy.Properties.Roles.some((ref: { Ref: string }) => ref.Ref === roleId),
  );
  return {
    managedPolicies: role.Properties.ManagedPolicyArns,
    inlinePolicies: role.Properties.Policies,
    statements: attached.flatMap((policy) => policy.Properties.PolicyDocument.Statement),
  };
}

const defaults = testTemplate();

/** The logical id of the webhook's Function URL, on its live alias. */
const webhookUrlId = () =>
  only(defaults, 'AWS::Lambda::Url', {
    Qualifier: 'live',
    TargetFunctionArn: { 'Fn::GetAtt': [fn(defaults, WEBHOOK_DESCRIPTION).id, 'Arn'] },
  }).id;

describe('the caller table', () => {
  it('is keyed, expires and bills as lambda/store/items.ts and the hot path need', () => {
    const table = only(defaults, 'AWS::DynamoDB::Table');
    expect(table.Properties.KeySchema).toEqual([
      { AttributeName: CALLER_TABLE.partitionKey, KeyType: 'HASH' },
    ]);
    expect(table.Properties.AttributeDefinitions).toEqual([
      { AttributeName: CALLER_TABLE.partitionKey, AttributeType: 'S' },
    ]);
    expect(table.Properties.TimeToLiveSpecification).toEqual({
      AttributeName: CALLER_TABLE.ttlAttribute,
      Enabled: true,
    });
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('survives the stack: point-in-time recovery, deletion protection, retained', () => {
    const table = only(defaults, 'AWS::DynamoDB::Table');
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
  });

  it('is encrypted with an AWS-owned key unless a customer-managed key is asked for', () => {
    // SSEEnabled false is DynamoDB's AWS-owned key.
    expect(only(defaults, 'AWS::DynamoDB::Table').Properties.SSESpecification).toEqual({ SSEEnabled: false });
    defaults.resourceCountIs('AWS::KMS::Key', 0);

    const withKms = testTemplate({ tableKms: true });
    const key = only(withKms, 'AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
    expect(only(withKms, 'AWS::DynamoDB::Table').Properties.SSESpecification).toEqual({
      SSEEnabled: true,
      SSEType: 'KMS',
      KMSMasterKeyId: { 'Fn::GetAtt': [key.id, 'Arn'] },
    });
  });
});

describe('the webhook function', () => {
  it('runs on Node.js 24, arm64, 1024 MB, 5 s for a 2 s belplan timeout, JSON logs in its own log group', () => {
    const webhook = fn(defaults, WEBHOOK_DESCRIPTION);
    expect(webhook.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 1024,
      Timeout: 5,
      ReservedConcurrentExecutions: 10,
      LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'INFO' },
    });
    const logGroupId = webhook.Properties.LoggingConfig.LogGroup.Ref;
    expect(defaults.toJSON().Resources[logGroupId]).toMatchObject({
      Type: 'AWS::Logs::LogGroup',
      Properties: { RetentionInDays: 30 },
    });
  });

  it('takes memory, timeout, reserved concurrency and log settings from context', () => {
    const template = testTemplate({
      memoryMb: '2048',
      belplanTimeoutMs: '8000',
      reservedConcurrency: '25',
      logRetentionDays: '90',
      logLevel: 'warn',
    });
    const webhook = fn(template, WEBHOOK_DESCRIPTION);
    expect(webhook.Properties).toMatchObject({
      MemorySize: 2048,
      Timeout: 11,
      ReservedConcurrentExecutions: 25,
      LoggingConfig: { ApplicationLogLevel: 'WARN' },
    });
    const logGroupId = webhook.Properties.LoggingConfig.LogGroup.Ref;
    expect(template.toJSON().Resources[logGroupId].Properties.RetentionInDays).toBe(90);
  });

  it('reserves no concurrency when reservedConcurrency is 0', () => {
    const webhook = fn(testTemplate({ reservedConcurrency: 0 }), WEBHOOK_DESCRIPTION);
    expect(webhook.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('gets its configuration through the environment: the token digest, never the token', () => {
    const table = only(defaults, 'AWS::DynamoDB::Table');
    expect(fn(defaults, WEBHOOK_DESCRIPTION).Properties.Environment.Variables).toEqual({
      TABLE_NAME: { Ref: table.id },
      WEBHOOK_TOKEN_SHA256: sha256Hex(STACK_WEBHOOK_TOKEN),
    });
    expect(fn(defaults, ADMIN_DESCRIPTION).Properties.Environment.Variables).toEqual({
      TABLE_NAME: { Ref: table.id },
      ADMIN_TOKEN_SHA256: sha256Hex(STACK_ADMIN_TOKEN),
      // The secret's ARN: the secrets themselves are read from Secrets Manager.
      CONNECTOR_SECRETS_ID: { Ref: only(defaults, 'AWS::SecretsManager::Secret').id },
      // The console's set-up page shows the webhook's own URL (the token is never part of it).
      WEBHOOK_URL: { 'Fn::GetAtt': [webhookUrlId(), 'FunctionUrl'] },
    });
  });

  it('passes the function settings given in context, profiles minified', () => {
    const profiles = { default: { rules: [{ name: 'everyone', answer: 'sales' }] } };
    const variables = fn(
      testTemplate({
        belplanTimeoutMs: 3000,
        safetyMarginMs: 700,
        killSwitch: true,
        allowedSourceCidrs: ['203.0.113.0/24', '198.51.100.0/24'],
        adminAllowedSourceCidrs: '192.0.2.0/24',
        profiles,
      }),
      WEBHOOK_DESCRIPTION,
    ).Properties.Environment.Variables;
    expect(variables).toMatchObject({
      BELPLAN_TIMEOUT_MS: '3000',
      SAFETY_MARGIN_MS: '700',
      KILL_SWITCH: 'on',
      ALLOWED_SOURCE_CIDRS: '203.0.113.0/24,198.51.100.0/24',
      PROFILES: JSON.stringify(profiles),
    });
  });

  it('leaves no plain token anywhere in the template', () => {
    const json = JSON.stringify(testTemplate({ tableKms: true, alarmEmail: 'ops@example.com' }).toJSON());
    expect(json).toContain(sha256Hex(STACK_WEBHOOK_TOKEN));
    expect(json).not.toContain(STACK_WEBHOOK_TOKEN);
    expect(json).not.toContain(STACK_ADMIN_TOKEN);
  });
});

describe('the Function URLs', () => {
  it('are public (auth NONE, the token is checked in the function), without CORS, on the live alias', () => {
    const urls = Object.values(defaults.findResources('AWS::Lambda::Url')) as Resource[];
    expect(urls).toHaveLength(2);
    for (const url of urls) {
      expect(url.Properties.AuthType).toBe('NONE');
      expect(url.Properties.Cors).toBeUndefined();
      expect(url.Properties.Qualifier).toBe('live');
    }
  });

  it('have both permissions AWS requires for public URLs', () => {
    for (const description of [WEBHOOK_DESCRIPTION, ADMIN_DESCRIPTION]) {
      const alias = only(defaults, 'AWS::Lambda::Alias', {
        FunctionName: { Ref: fn(defaults, description).id },
      });
      defaults.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunctionUrl',
        FunctionName: { Ref: alias.id },
        FunctionUrlAuthType: 'NONE',
        Principal: '*',
      });
      defaults.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: { Ref: alias.id },
        InvokedViaFunctionUrl: true,
        Principal: '*',
      });
    }
    defaults.resourceCountIs('AWS::Lambda::Permission', 4);
  });

  it('keep the same alias when provisioned concurrency is switched on, and only then warm it', () => {
    const webhookAlias = (template: Template) =>
      only(template, 'AWS::Lambda::Alias', { FunctionName: { Ref: fn(template, WEBHOOK_DESCRIPTION).id } });
    expect(webhookAlias(defaults).Properties.ProvisionedConcurrencyConfig).toBeUndefined();

    const provisioned = testTemplate({ provisionedConcurrency: 3 });
    const alias = webhookAlias(provisioned);
    expect(alias.id).toBe(webhookAlias(defaults).id);
    expect(alias.Properties).toMatchObject({
      Name: 'live',
      ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 3 },
    });
    provisioned.hasResourceProperties('AWS::Lambda::Url', { Qualifier: 'live', AuthType: 'NONE' });
  });
});

describe('least privilege', () => {
  const tableArn = () => ({ 'Fn::GetAtt': [only(defaults, 'AWS::DynamoDB::Table').id, 'Arn'] });
  const logGroupArn = (description: string) => ({
    'Fn::GetAtt': [fn(defaults, description).Properties.LoggingConfig.LogGroup.Ref, 'Arn'],
  });

  it('lets the webhook write its own log group and UpdateItem, GetItem, PutItem on the table, nothing else', () => {
    const { managedPolicies, inlinePolicies, statements } = statementsOfFunctionRole(
      defaults,
      WEBHOOK_DESCRIPTION,
    );
    expect(managedPolicies).toBeUndefined();
    expect(inlinePolicies).toBeUndefined();
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: logGroupArn(WEBHOOK_DESCRIPTION),
      },
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: tableArn(),
      },
    ]);
  });

  it("gives administration its own role: GetItem, UpdateItem, DeleteItem, PutItem on the table, reading the connectors' secret", () => {
    const { managedPolicies, statements } = statementsOfFunctionRole(defaults, ADMIN_DESCRIPTION);
    expect(managedPolicies).toBeUndefined();
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: logGroupArn(ADMIN_DESCRIPTION),
      },
      {
        Effect: 'Allow',
        Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: tableArn(),
      },
      {
        Effect: 'Allow',
        Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
        Resource: { Ref: only(defaults, 'AWS::SecretsManager::Secret').id },
      },
    ]);
  });

  it("keeps the connectors' secrets in one retained Secrets Manager secret that starts empty, named to the admin function only", () => {
    const secret = only(defaults, 'AWS::SecretsManager::Secret');
    expect(secret.Properties.SecretString).toBe('{}');
    expect(defaults.toJSON().Resources[secret.id].DeletionPolicy).toBe('Retain');
    expect(fn(defaults, ADMIN_DESCRIPTION).Properties.Environment.Variables.CONNECTOR_SECRETS_ID).toEqual({
      Ref: secret.id,
    });
    expect(
      fn(defaults, WEBHOOK_DESCRIPTION).Properties.Environment.Variables.CONNECTOR_SECRETS_ID,
    ).toBeUndefined();
  });

  it('lets the functions use a customer-managed table key only through DynamoDB', () => {
    const template = testTemplate({ tableKms: true });
    const keyArn = { 'Fn::GetAtt': [only(template, 'AWS::KMS::Key').id, 'Arn'] };
    for (const description of [WEBHOOK_DESCRIPTION, ADMIN_DESCRIPTION]) {
      expect(statementsOfFunctionRole(template, description).statements).toContainEqual({
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
        Resource: keyArn,
        Condition: {
          StringEquals: {
            'kms:ViaService': { 'Fn::Join': ['', ['dynamodb.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
          },
        },
      });
    }
  });

  it('has no wildcard action or resource in any policy', () => {
    const template = testTemplate({ tableKms: true, alarmEmail: 'ops@example.com' });
    const statements = (Object.values(template.findResources('AWS::IAM::Policy')) as Resource[]).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement,
    );
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      expect(JSON.stringify(statement.Action)).not.toContain('*');
      expect(JSON.stringify(statement.Resource)).not.toContain('*');
    }
  });
});

describe('monitoring', () => {
  const alarmOn = (template: Template, metricName: string) =>
    (Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[]).filter(
      (alarm) => alarm.Properties.MetricName === metricName,
    );

  it('alarms when p99 duration passes 80% of the budget (timeout less margin)', () => {
    const [latency] = alarmOn(defaults, 'Duration');
    expect(latency?.Properties).toMatchObject({ ExtendedStatistic: 'p99', Threshold: 1200, Period: 300 });
    const [custom] = alarmOn(testTemplate({ belplanTimeoutMs: 5000, safetyMarginMs: 1000 }), 'Duration');
    expect(custom?.Properties.Threshold).toBe(3200);
  });

  it('alarms on errors, throttles, fallback answers and refused requests', () => {
    expect(alarmOn(defaults, 'Errors')).toHaveLength(2);
    expect(alarmOn(defaults, 'Throttles')).toHaveLength(1);
    const [fallbacks] = alarmOn(testTemplate({ fallbackAlarmThreshold: 12 }), 'FallbackAnswers');
    expect(fallbacks?.Properties).toMatchObject({
      Threshold: 12,
      Statistic: 'Sum',
      Namespace: 'Callvoip/CallvoipWebhook',
    });
    const [refusals] = alarmOn(testTemplate({ refusalAlarmThreshold: 40 }), 'RefusedRequests');
    expect(refusals?.Properties).toMatchObject({ Threshold: 40, Statistic: 'Sum' });
    expect(refusals?.Properties.AlarmDescription).toMatch(/token in the belplan.*flooding/);
    defaults.resourceCountIs('AWS::CloudWatch::Alarm', 7);
  });

  it("counts fallbacks from the function's log lines as the Node.js runtime nests them under message", () => {
    defaults.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: Match.stringLikeRegexp('\\$\\.message\\.msg = "webhook".*\\$\\.message\\.fallbackCause'),
      MetricTransformations: [Match.objectLike({ MetricName: 'FallbackAnswers' })],
    });
    defaults.hasResourceProperties('AWS::Logs::MetricFilter', {
      MetricTransformations: [
        Match.objectLike({
          MetricName: 'Fallbacks',
          Dimensions: [{ Key: 'Cause', Value: '$.message.fallbackCause' }],
        }),
      ],
    });
    defaults.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: Match.stringLikeRegexp('platform\\.report'),
      MetricTransformations: [Match.objectLike({ MetricValue: '$.record.metrics.initDurationMs' })],
    });
    defaults.hasResourceProperties('AWS::Logs::MetricFilter', {
      MetricTransformations: [
        Match.objectLike({ MetricName: 'Answers', Dimensions: [{ Key: 'Rule', Value: '$.message.rule' }] }),
      ],
    });
  });

  it('has a dashboard with latency percentiles, cold starts, answers by token and rule, fallbacks by cause, refusals, throttles', () => {
    const dashboard = only(defaults, 'AWS::CloudWatch::Dashboard');
    expect(dashboard.Properties.DashboardName).toBe('CallvoipWebhook');
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const expected of [
      'p50',
      'p90',
      'p99',
      'InitDuration',
      'Answers by token',
      'Fallbacks',
      'Throttles',
      'Answers by rule',
      'RefusedRequests',
      'Connector deliveries by source and outcome',
      'ConnectorRefusedDeliveries',
      'ConnectorFailedDeliveries',
    ]) {
      expect(body).toContain(expected);
    }
  });

  it('alarms on connector deliveries refused or failed, from the admin log group', () => {
    const alarm = (Object.values(defaults.findResources('AWS::CloudWatch::Alarm')) as Resource[]).find(
      (each) => JSON.stringify(each.Properties.Metrics ?? []).includes('ConnectorRefusedDeliveries'),
    );
    expect(alarm?.Properties).toMatchObject({
      Threshold: 2,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(JSON.stringify(alarm?.Properties.Metrics)).toContain('ConnectorFailedDeliveries');
    expect(JSON.stringify(alarm?.Properties.Metrics)).toContain('ConnectorUnreadableDeliveries');
    expect(alarm?.Properties.AlarmDescription).toMatch(
      /Pipedrive bans a webhook after 10 failed first attempts/,
    );
  });

  it('e-mails alarms through an SNS topic only when alarmEmail is set', () => {
    defaults.resourceCountIs('AWS::SNS::Topic', 0);
    const template = testTemplate({ alarmEmail: 'ops@example.com' });
    const topic = only(template, 'AWS::SNS::Topic');
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: topic.id },
    });
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[]) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic.id }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: topic.id }]);
    }
  });
});

describe('the outputs', () => {
  it('print the URL to paste with its token and profile, the admin URL, table, dashboard, log group and function', () => {
    const outputs = defaults.toJSON().Outputs;
    expect(outputs.WebhookUrl.Value).toEqual({
      'Fn::Join': [
        '',
        [{ 'Fn::GetAtt': [webhookUrlId(), 'FunctionUrl'] }, '?token=<your token>&profile=default'],
      ],
    });
    expect(Object.keys(outputs).sort()).toEqual([
      'AdminUrl',
      'ConnectorSecretsArn',
      'ConnectorUrl',
      'ConsoleUrl',
      'DashboardUrl',
      'LogGroup',
      'NotulistUrl',
      'TableName',
      'WebhookFunctionName',
      'WebhookUrl',
    ]);
    expect(JSON.stringify(outputs.NotulistUrl.Value)).toContain('notulist?token=<your ingest token>&com_id=');
    expect(outputs.WebhookFunctionName.Value).toEqual({ Ref: fn(defaults, WEBHOOK_DESCRIPTION).id });
    expect(outputs.TableName.Value).toEqual({ Ref: only(defaults, 'AWS::DynamoDB::Table').id });
    expect(outputs.LogGroup.Value).toEqual(
      fn(defaults, WEBHOOK_DESCRIPTION).Properties.LoggingConfig.LogGroup,
    );
    expect(JSON.stringify(outputs.DashboardUrl.Value)).toContain('#dashboards/dashboard/');
  });
});
