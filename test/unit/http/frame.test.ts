import { ValidationError } from '../../../lambda/domain/errors';
import { UnknownProfileError } from '../../../lambda/domain/profiles';
import { HttpError } from '../../../lambda/http/errors';
import { functionUrlHandler, type HandlerFrame } from '../../../lambda/http/frame';
import type { RequestLog } from '../../../lambda/http/request-log';
import { functionUrlEvent } from '../../../local/events';

/** A frame around `route`, its log lines kept. */
function framed(route: HandlerFrame['route'], jsonErrors = false) {
  const lines: RequestLog[] = [];
  const handler = functionUrlHandler({
    msg: 'webhook',
    log: (entry) => lines.push({ ...entry }),
    jsonErrors,
    route,
    onError(error, entry) {
      entry.reason = 'defect';
      return { status: 200, body: `fallback after ${(error as Error).name}` };
    },
  });
  return { handler, lines };
}

describe('the handler frame', () => {
  it('answers what the route answers, uncacheable, and logs one line with status and latency', async () => {
    const { handler, lines } = framed(async ({ entry }) => {
      entry.reason = 'rule:x';
      return { status: 200, body: 'finance' };
    });

    const result = await handler(functionUrlEvent());

    expect(result).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
      body: 'finance',
    });
    expect(lines).toEqual([
      expect.objectContaining({
        msg: 'webhook',
        status: 200,
        reason: 'rule:x',
        latencyMs: expect.any(Number),
      }),
    ]);
  });

  it('counts only its first invocation as a cold start', async () => {
    const { handler, lines } = framed(async () => ({ status: 200, body: 'x' }));

    await handler(functionUrlEvent());
    await handler(functionUrlEvent());

    expect(lines.map((line) => line.coldStart)).toEqual([true, false]);
  });

  it.each<[string, Error, number, string, string]>([
    [
      'a validation error',
      new ValidationError('caller_number', 'is not a number'),
      400,
      'bad-request',
      'field caller_number is not a number',
    ],
    [
      'an unknown profile',
      new UnknownProfileError(undefined, 'unknown profile "x"'),
      400,
      'unknown-profile',
      'unknown profile "x"',
    ],
    ['a refusal', new HttpError(413, 'body is too large'), 413, 'too-large', 'body is too large'],
  ])('turns %s into its status, logged with its reason', async (_name, error, status, reason, body) => {
    const { handler, lines } = framed(async () => {
      throw error;
    });

    const result = await handler(functionUrlEvent());

    expect([result.statusCode, result.body, lines[0]?.status, lines[0]?.reason]).toEqual([
      status,
      body,
      status,
      reason,
    ]);
  });

  it('answers a refusal as JSON when the frame says so, with the refusal’s headers', async () => {
    const { handler } = framed(async () => {
      throw new HttpError(405, 'method PUT is not allowed', { allow: 'GET, POST' });
    }, true);

    const result = await handler(functionUrlEvent());

    expect(result).toMatchObject({
      statusCode: 405,
      headers: { allow: 'GET, POST', 'content-type': 'application/json' },
    });
    expect(JSON.parse(result.body ?? '')).toEqual({ error: 'method PUT is not allowed' });
  });

  it('leaves every other error to the route’s own answer: no stack, no 5xx unless the route says so', async () => {
    const { handler, lines } = framed(async () => {
      throw new TypeError('cannot read x of undefined');
    });

    const result = await handler(functionUrlEvent());

    expect([result.statusCode, result.body, lines[0]?.reason]).toEqual([
      200,
      'fallback after TypeError',
      'defect',
    ]);
  });

  it('strips control characters a caller sent from an error body', async () => {
    const { handler } = framed(async () => {
      throw new ValidationError(undefined, 'unknown profile "x\r\nSet-Cookie: y"');
    });

    const result = await handler(functionUrlEvent());

    expect(result.body).toBe('unknown profile "x  Set-Cookie: y"');
  });
});
