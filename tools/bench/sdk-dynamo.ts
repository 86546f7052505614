/**
 * The webhook's requests sent by the AWS SDK instead of its own client: the bench's reference
 * rows, so every run shows what leaving the SDK off the hot path saves.
 */
import {
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { WebhookDynamo } from '../../lambda/store/dynamo-http';

/** The SDK client as the webhook's `WebhookDynamo`. */
export function sdkWebhookDynamo(client: DynamoDBClient): WebhookDynamo {
  return {
    updateItem: (input, abortSignal) => client.send(new UpdateItemCommand(input), { abortSignal }),
    getItem: (input, abortSignal) => client.send(new GetItemCommand(input), { abortSignal }),
    putItem: (input, abortSignal) => client.send(new PutItemCommand(input), { abortSignal }),
  };
}
