/**
 * A Lambda function that answers HTTP callers through its Function URL, with this project's
 * defaults: bundled by the shared esbuild settings, arm64, the newest Node.js runtime, JSON
 * logs into its own log group with a retention, its own role that can write only that log
 * group, reserved concurrency as a cost and abuse cap, and an alias that carries the URL and,
 * when asked, provisioned concurrency.
 */
import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  Alias,
  type ApplicationLogLevel,
  Architecture,
  type FunctionUrl,
  FunctionUrlAuthType,
  LoggingFormat,
  SystemLogLevel,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LAMBDA_RUNTIME, lambdaBundlingOf, PROJECT_ROOT } from '../bundle/options';

/** DynamoDB item actions a function may be given on a table; nothing that scans or describes. */
export type ItemAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem';

export interface UrlFunctionProps {
  /** The entry file, relative to the project root (`ENTRIES` in `bundle/options.ts`). */
  entry: string;
  description: string;
  /** The function's configuration (`lambda/config.ts`); never a plain token. */
  environment: Record<string, string>;
  memoryMb: number;
  /**
   * How long the caller waits for an answer. The function's timeout is set a few seconds
   * above it: the function's own deadline answers first, Lambda's timeout only ends a defect.
   */
  callerTimeoutMs: number;
  /** Concurrent executions reserved for, and capping, this function; 0 reserves none. */
  reservedConcurrency: number;
  /** Execution environments kept initialized on the alias; 0 (the default) is off. */
  provisionedConcurrency?: number;
  logRetention: RetentionDays;
  logLevel: ApplicationLogLevel;
}

/** Seconds added to the caller's timeout for the function's timeout. */
const TIMEOUT_HEADROOM_SECONDS = 3;

/** One function of the stack (the webhook or the admin API) with its URL, alias, role and log group. */
export class UrlFunction extends Construct {
  readonly function: NodejsFunction;
  /** `live`: the version the URL serves (and provisioned concurrency warms). */
  readonly alias: Alias;
  readonly url: FunctionUrl;
  readonly logGroup: LogGroup;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: UrlFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Its own role instead of AWSLambdaBasicExecutionRole: write to this log group, nothing else.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (execution role)`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      ...projectFunctionProps(props, this.role, this.logGroup),
      timeout: Duration.seconds(Math.ceil(props.callerTimeoutMs / 1000) + TIMEOUT_HEADROOM_SECONDS),
      // A replaced version is deleted once the alias has moved on, so versions do not pile up.
      currentVersionOptions: { removalPolicy: RemovalPolicy.DESTROY },
    });

    // The URL always points at the alias, so switching provisioned concurrency on or off
    // never changes the URL pasted into belplans.
    const provisioned = props.provisionedConcurrency ?? 0;
    this.alias = new Alias(this, 'Live', {
      aliasName: 'live',
      version: this.function.currentVersion,
      provisionedConcurrentExecutions: provisioned > 0 ? provisioned : undefined,
    });
    // NONE: the platform cannot sign requests; the function checks the token in the URL.
    // No CORS: no browser calls it.
    this.url = this.alias.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });
  }

  /**
   * Lets the function call exactly `actions` on `table`, and use the table's customer-managed
   * key (if it has one) only through DynamoDB.
   */
  allowItemActions(table: ITable, actions: readonly ItemAction[]): void {
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: actions.map((action) => `dynamodb:${action}`),
        resources: [table.tableArn],
      }),
    );
    grantTableKey(this.role, table);
  }
}

/**
 * What every function of the stack shares: the project's bundle of `entry`, the newest Node.js
 * runtime, its own role and log group, JSON logs.
 */
export function projectFunctionProps(
  props: Pick<
    UrlFunctionProps,
    'entry' | 'description' | 'environment' | 'memoryMb' | 'reservedConcurrency' | 'logLevel'
  >,
  role: iam.IRole,
  logGroup: LogGroup,
): NodejsFunctionProps {
  return {
    entry: path.join(PROJECT_ROOT, props.entry),
    handler: 'handler',
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
    bundling: lambdaBundlingOf(props.entry),
    runtime: LAMBDA_RUNTIME,
    // arm64 starts ~10-20 ms faster than x86 for Node.js zip packages, and costs less.
    architecture: Architecture.ARM_64,
    memorySize: props.memoryMb,
    description: props.description,
    environment: props.environment,
    role,
    reservedConcurrentExecutions: props.reservedConcurrency > 0 ? props.reservedConcurrency : undefined,
    logGroup,
    loggingFormat: LoggingFormat.JSON,
    applicationLogLevelV2: props.logLevel,
    // INFO keeps the platform.report lines the dashboard reads init durations from.
    systemLogLevelV2: SystemLogLevel.INFO,
  };
}

/** Lets `role` use `table`'s customer-managed key (if it has one), and only through DynamoDB. */
export function grantTableKey(role: iam.IRole, table: ITable): void {
  if (!table.encryptionKey) return;
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
      resources: [table.encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${table.stack.region}.amazonaws.com` } },
    }),
  );
}
