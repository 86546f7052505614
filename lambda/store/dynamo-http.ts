/**
 * The webhook's DynamoDB requests without the SDK: DynamoDB's JSON protocol through
 * `aws-json.ts`. The admin side and the tools keep the SDK; its types describe these requests.
 */
import type {
  GetItemCommandInput,
  GetItemCommandOutput,
  PutItemCommandInput,
  PutItemCommandOutput,
  UpdateItemCommandInput,
  UpdateItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import type { AwsCredentials } from '../config';
import { AwsJsonClient } from './aws-json';

export interface DynamoHttpOptions {
  region: string;
  /** Another endpoint than the region's (dynalite locally, `AWS_ENDPOINT_URL_DYNAMODB`). */
  endpoint: string | undefined;
  credentials: AwsCredentials;
  /** Attempts in all for a failure that may pass by itself (1 = no retry). */
  maxAttempts: number;
}

/** The DynamoDB requests the webhook makes. */
export interface WebhookDynamo {
  updateItem(input: UpdateItemCommandInput, signal: AbortSignal): Promise<UpdateItemCommandOutput>;
  getItem(input: GetItemCommandInput, signal: AbortSignal): Promise<GetItemCommandOutput>;
  putItem(input: PutItemCommandInput, signal: AbortSignal): Promise<PutItemCommandOutput>;
}

/** DynamoDB over HTTP(S), one agent for every request of the process. */
export class DynamoHttpClient implements WebhookDynamo {
  private readonly json: AwsJsonClient;

  constructor(options: DynamoHttpOptions) {
    this.json = new AwsJsonClient({
      ...options,
      service: 'dynamodb',
      targetPrefix: 'DynamoDB_20120810',
      jsonVersion: '1.0',
    });
  }

  updateItem(input: UpdateItemCommandInput, signal: AbortSignal): Promise<UpdateItemCommandOutput> {
    return this.json.call('UpdateItem', input, signal);
  }

  getItem(input: GetItemCommandInput, signal: AbortSignal): Promise<GetItemCommandOutput> {
    return this.json.call('GetItem', input, signal);
  }

  putItem(input: PutItemCommandInput, signal: AbortSignal): Promise<PutItemCommandOutput> {
    return this.json.call('PutItem', input, signal);
  }

  /** Closes the kept-alive connections. */
  destroy(): void {
    this.json.destroy();
  }
}
