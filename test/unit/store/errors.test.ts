import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { classifyStoreError, isConditionFailure } from '../../../lambda/store/errors';

/** An error shaped as the SDK throws it. */
function sdkError(name: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} happened`), { name, ...extra });
}

describe('classifyStoreError', () => {
  it.each<[string, unknown, string]>([
    ['throttling', sdkError('ThrottlingException', { $metadata: { httpStatusCode: 400 } }), 'throttled'],
    ['provisioned throughput exceeded', sdkError('ProvisionedThroughputExceededException'), 'throttled'],
    ['a 500', sdkError('InternalServerError', { $metadata: { httpStatusCode: 500 } }), 'server-error'],
    ['a 503', sdkError('ServiceUnavailable', { $metadata: { httpStatusCode: 503 } }), 'server-error'],
    ['a refused connection', sdkError('Error', { code: 'ECONNREFUSED' }), 'unreachable'],
    ['an unknown host', sdkError('Error', { code: 'ENOTFOUND' }), 'unreachable'],
    // The SDK's HTTP handler renames these TimeoutError; the code says what happened.
    [
      'a reset connection renamed TimeoutError',
      sdkError('TimeoutError', { code: 'ECONNRESET' }),
      'connection-reset',
    ],
    ['a broken pipe renamed TimeoutError', sdkError('TimeoutError', { code: 'EPIPE' }), 'connection-reset'],
    [
      'a reset connection as a cause',
      sdkError('Error', { cause: { code: 'ECONNRESET' } }),
      'connection-reset',
    ],
    ['a code kept only in the message', new Error('connect ECONNREFUSED 127.0.0.1:9'), 'unreachable'],
    // The SDK re-wraps an error of another realm (a test sandbox) by its text alone.
    [
      'a re-wrapped reset',
      new Error('AWS SDK error wrapper for TimeoutError: socket hang up'),
      'connection-reset',
    ],
    ['a socket that timed out', sdkError('TimeoutError', { code: 'ETIMEDOUT' }), 'timeout'],
    ['an abort', sdkError('AbortError'), 'timeout'],
    [
      'a missing table',
      sdkError('ResourceNotFoundException', { $metadata: { httpStatusCode: 400 } }),
      'store-error',
    ],
    ['a thrown string', 'boom', 'store-error'],
    ['undefined', undefined, 'store-error'],
  ])('%s', (_name, error, cause) => {
    expect(classifyStoreError(error)).toBe(cause);
  });
});

describe('isConditionFailure', () => {
  it('tells a refused condition from other errors', () => {
    const refused = new ConditionalCheckFailedException({
      message: 'The conditional request failed',
      $metadata: {},
    });
    expect([isConditionFailure(refused), isConditionFailure(sdkError('ThrottlingException'))]).toEqual([
      true,
      false,
    ]);
  });
});
