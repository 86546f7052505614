/**
 * Everything one deployment needs: the caller table, the webhook function and its URL, the
 * admin API with its own role, alarms and a dashboard, and the outputs to paste.
 */
import {
  CfnOutput,
  CfnParameter,
  RemovalPolicy,
  SecretValue,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { ENTRIES } from '../bundle/options';
import { CALLER_TABLE } from '../lambda/store/items';
import { Monitoring } from './monitoring';
import { PresenceSync } from './presence-sync';
import { type Settings, WEBHOOK_TOKEN_MISSING } from './settings';
import { UrlFunction } from './url-function';

export interface CallvoipWebhookStackProps extends StackProps {
  settings: Settings;
}

/** How long a CRM or integration may wait for the admin API. */
const ADMIN_CALLER_TIMEOUT_MS = 7000;
/** Administration is not on the belplan's clock; a smaller function is enough. */
const ADMIN_MEMORY_MB = 512;

export class CallvoipWebhookStack extends Stack {
  readonly table: Table;
  /** The connectors' signing secrets, set with `npm run callers -- secret`. */
  readonly connectorSecrets: Secret;
  /** The presence sync from Microsoft 365, when the `presence` setting is given. */
  readonly presence: PresenceSync | undefined;
  readonly webhook: UrlFunction;
  readonly admin: UrlFunction;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: CallvoipWebhookStackProps) {
    super(scope, id, {
      description: 'Callvoip Webhook app answers from Lambda and DynamoDB (callvoip-webhook)',
      ...props,
    });
    const { settings } = props;

    this.table = callerTable(this, settings.tableKms);
    this.connectorSecrets = connectorSecrets(this);

    this.webhook = new UrlFunction(this, 'Webhook', {
      entry: ENTRIES.webhook,
      description: 'Answers the Callvoip Webhook app',
      environment: { ...settings.webhookEnvironment, TABLE_NAME: this.table.tableName },
      memoryMb: settings.memoryMb,
      callerTimeoutMs: settings.webhook.belplanTimeoutMs,
      reservedConcurrency: settings.reservedConcurrency,
      provisionedConcurrency: settings.provisionedConcurrency,
      logRetention: settings.logRetentionDays,
      logLevel: settings.logLevel,
    });
    // The hot path: one UpdateItem; GetItem and PutItem only for a repeated or expired caller.
    this.webhook.allowItemActions(this.table, ['UpdateItem', 'GetItem', 'PutItem']);

    this.admin = new UrlFunction(this, 'Admin', {
      entry: ENTRIES.admin,
      description: 'Admin API of the Callvoip webhook: caller facts, who answered, agents, erasure',
      environment: {
        ...settings.adminEnvironment,
        TABLE_NAME: this.table.tableName,
        CONNECTOR_SECRETS_ID: this.connectorSecrets.secretArn,
        // The console's set-up view shows the URL to paste into the belplan.
        WEBHOOK_URL: this.webhook.url.url,
      },
      memoryMb: ADMIN_MEMORY_MB,
      callerTimeoutMs: ADMIN_CALLER_TIMEOUT_MS,
      reservedConcurrency: settings.adminReservedConcurrency,
      logRetention: settings.logRetentionDays,
      logLevel: settings.logLevel,
    });
    // PutItem: a connector's contact is written whole, conditioned on the generation it read.
    this.admin.allowItemActions(this.table, ['GetItem', 'UpdateItem', 'DeleteItem', 'PutItem']);
    this.connectorSecrets.grantRead(this.admin.function);

    this.presence = settings.presence
      ? new PresenceSync(this, 'Presence', {
          ...settings.presence,
          table: this.table,
          secret: this.connectorSecrets,
          logRetention: settings.logRetentionDays,
          logLevel: settings.logLevel,
        })
      : undefined;

    this.monitoring = new Monitoring(this, 'Monitoring', {
      webhook: this.webhook,
      admin: this.admin,
      budgetMs: settings.webhook.belplanTimeoutMs - settings.webhook.safetyMarginMs,
      fallbackAlarmThreshold: settings.fallbackAlarmThreshold,
      refusalAlarmThreshold: settings.refusalAlarmThreshold,
      alarmEmail: settings.alarmEmail,
      ...(this.presence ? { more: [this.presence.alarm] } : {}),
    });
    this.addOutputs();
    if (settings.webhookTokenMissing) this.refuseDeploy(WEBHOOK_TOKEN_MISSING);
  }

  /**
   * Makes CloudFormation refuse to create or update the stack, with `message`: a parameter
   * whose default its own constraint rejects. Every other command (synth, diff, ls, destroy,
   * bootstrap) goes on; the app prints the message as a note.
   */
  private refuseDeploy(message: string): void {
    new CfnParameter(this, 'DeployRefused', {
      type: 'String',
      default: 'not-ready',
      allowedValues: ['ready'],
      description: message,
      constraintDescription: message,
    });
  }

  /** What a user pastes into the belplan, hands to the CRM, or types into `npm run measure`. */
  private addOutputs(): void {
    new CfnOutput(this, 'WebhookUrl', {
      description: "Paste into the belplan's Webhook app (method POST), with your token and profile",
      value: `${this.webhook.url.url}?token=<your token>&profile=default`,
    });
    new CfnOutput(this, 'AdminUrl', {
      description: 'Admin API; send the admin token as "Authorization: Bearer <token>"',
      value: this.admin.url.url,
    });
    new CfnOutput(this, 'ConsoleUrl', {
      description: 'The console for the people who run the phones; sign in with the admin token',
      value: `${this.admin.url.url}console`,
    });
    new CfnOutput(this, 'NotulistUrl', {
      description: 'The AI Notulist webhook URL to set in Callvoip, with your ingest token and company',
      value: `${this.admin.url.url}notulist?token=<your ingest token>&com_id=<your com_id>`,
    });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'ConnectorSecretsArn', {
      description: 'For npm run callers -- secret <source> --table … --secret-id',
      value: this.connectorSecrets.secretArn,
    });
    new CfnOutput(this, 'ConnectorUrl', {
      description: "A source's webhook URL (moneybird, zendesk, …): its own signature authenticates it",
      value: `${this.admin.url.url}connectors/<source>?com_id=<your com_id>`,
    });
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://${this.region}.console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards/dashboard/${this.monitoring.dashboard.dashboardName}`,
    });
    new CfnOutput(this, 'LogGroup', { value: this.webhook.logGroup.logGroupName });
    new CfnOutput(this, 'WebhookFunctionName', {
      description: 'For npm run measure -- --function',
      value: this.webhook.function.functionName,
    });
  }
}

/**
 * The connectors' secrets: one Secrets Manager secret (about $0.40 a month, $0.05 per 10 000
 * reads; the admin function reads it once per environment and every 5 minutes after), holding
 * a JSON document that starts empty. Its values are the sources' own (Moneybird and Zendesk
 * make them): they are rotated there and set with `npm run callers -- secret`, not by a
 * rotation Lambda here.
 */
function connectorSecrets(scope: Construct): Secret {
  const secret = new Secret(scope, 'ConnectorSecrets', {
    description: "Signing secrets of the Callvoip webhook's connectors (npm run callers -- secret)",
    // An empty document, not a secret: the values are set after the deploy, never in the template.
    secretStringValue: SecretValue.unsafePlainText('{}'),
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      "The secrets are the sources' own signing secrets (Moneybird and Zendesk make them); they are rotated in the source and set here with npm run callers -- secret, which keeps the previous one valid until --drop-previous: a rotation Lambda here could not change them.",
  });
  return secret;
}

/**
 * The caller table, keyed as `lambda/store/items.ts` says. It outlives the stack: deletion
 * protection, RETAIN, and point-in-time recovery for the records nobody else holds.
 */
function callerTable(scope: Construct, customerManagedKey: boolean): Table {
  const encryptionKey = customerManagedKey
    ? new Key(scope, 'TableKey', {
        description: 'Encrypts the Callvoip webhook caller table',
        enableKeyRotation: true,
        // The retained table cannot be read without it.
        removalPolicy: RemovalPolicy.RETAIN,
      })
    : undefined;
  return new Table(scope, 'Callers', {
    partitionKey: { name: CALLER_TABLE.partitionKey, type: AttributeType.STRING },
    timeToLiveAttribute: CALLER_TABLE.ttlAttribute,
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
    ...(encryptionKey
      ? { encryption: TableEncryption.CUSTOMER_MANAGED, encryptionKey }
      : { encryption: TableEncryption.DEFAULT }),
  });
}
