/**
 * One Secrets Manager secret, read and written over AWS's JSON protocol (`aws-json.ts`), so the
 * admin function reads its connector secrets without loading another SDK client.
 */
import type { AwsCredentials } from '../config';
import { AwsJsonClient } from './aws-json';

/** Where the secret is: its ARN or name, and how to reach Secrets Manager. */
export interface SecretLocation {
  secretId: string;
  region: string;
  /** Another endpoint than the region's (a local stand-in). */
  endpoint?: string;
  credentials: AwsCredentials;
}

/** How long one read or write may take; the admin function's deadline is longer. */
const REQUEST_TIMEOUT_MS = 3000;

/** A secret's text, read from and written to Secrets Manager. */
export class SecretsManagerSecret {
  private readonly client: AwsJsonClient;

  constructor(private readonly location: SecretLocation) {
    this.client = new AwsJsonClient({
      service: 'secretsmanager',
      targetPrefix: 'secretsmanager',
      jsonVersion: '1.1',
      region: location.region,
      endpoint: location.endpoint,
      credentials: location.credentials,
      maxAttempts: 3,
    });
  }

  /** The secret's current text (`{}` while none was set). */
  async read(): Promise<string> {
    const answer = await this.client.call<{ SecretString?: string }>(
      'GetSecretValue',
      { SecretId: this.location.secretId },
      AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    );
    return answer.SecretString ?? '{}';
  }

  /** Makes `text` the secret's current version. */
  async write(text: string): Promise<void> {
    await this.client.call(
      'PutSecretValue',
      { SecretId: this.location.secretId, SecretString: text },
      AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    );
  }

  destroy(): void {
    this.client.destroy();
  }
}
