import { MAX_BODY_BYTES, toPlainRequest, toResult } from '../../../lambda/http/adapter';
import { functionUrlEvent } from '../../../local/events';

describe('toPlainRequest', () => {
  it('takes method, path, lower-cased headers, query, body, source and receive time', () => {
    // Prepare
    const event = functionUrlEvent({
      method: 'post',
      path: '/callers/1003',
      query: { token: 't', profile: 'vip' },
      headers: { 'Content-Type': 'application/json' },
      body: '{"a":1}',
      sourceIp: '198.51.100.7',
      requestId: 'req-1',
    });

    // Act
    const request = toPlainRequest(event);

    // Assess
    expect(request).toMatchObject({
      method: 'POST',
      path: '/callers/1003',
      headers: { 'content-type': 'application/json' },
      query: { token: 't', profile: 'vip' },
      bodyLength: 7,
      sourceIp: '198.51.100.7',
      receivedAtMs: event.requestContext.timeEpoch,
      requestId: 'req-1',
    });
    expect(Buffer.from(request.body ?? []).toString()).toBe('{"a":1}');
  });

  it('decodes a base64 body and counts its decoded length', () => {
    const request = toPlainRequest(functionUrlEvent({ body: 'caller_number=1003', base64: true }));
    expect([Buffer.from(request.body ?? []).toString(), request.bodyLength]).toEqual([
      'caller_number=1003',
      18,
    ]);
  });

  it('keeps the first of a repeated query parameter', () => {
    const event = { ...functionUrlEvent(), rawQueryString: 'token=first&token=second' };
    expect(toPlainRequest(event).query.token).toBe('first');
  });

  it('takes a parameter named constructor or __proto__ as a plain name', () => {
    const event = { ...functionUrlEvent(), rawQueryString: 'constructor=x&__proto__=y&token=t' };
    const query = toPlainRequest(event).query;
    expect(Object.entries(query)).toEqual([
      ['constructor', 'x'],
      ['__proto__', 'y'],
      ['token', 't'],
    ]);
  });

  it('leaves a body above the limit undecoded but says how long it was', () => {
    const request = toPlainRequest(functionUrlEvent({ body: 'x'.repeat(MAX_BODY_BYTES + 1) }));
    expect([request.body?.byteLength, request.bodyLength]).toEqual([0, MAX_BODY_BYTES + 1]);
  });

  it('fills in what an event without a request context lacks', () => {
    const request = toPlainRequest({ rawPath: '/x', headers: {} } as never);
    expect(request).toMatchObject({
      method: 'GET',
      path: '/x',
      sourceIp: '',
      receivedAtMs: undefined,
      body: undefined,
    });
  });
});

describe('toResult', () => {
  it('answers plain text that is never cached, unless told another type', () => {
    expect(toResult({ status: 200, body: 'finance' })).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
      body: 'finance',
    });
    expect(
      toResult({ status: 405, body: '{}', contentType: 'application/json', headers: { allow: 'POST' } })
        .headers,
    ).toEqual({ 'content-type': 'application/json', 'cache-control': 'no-store', allow: 'POST' });
  });
});
