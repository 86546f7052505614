import { ValidationError } from '../../../lambda/domain/errors';
import { BODY_LIMIT_BYTES } from '../../../lambda/http/body';
import { HttpError } from '../../../lambda/http/errors';
import { parseWebhook, repairMissingCommas, type WebhookRequest } from '../../../lambda/webhook/parse';
import { fixture } from '../../support/paths';

const manualExample = fixture('manual-example.txt');
const post = (body: string | Uint8Array, contentType?: string): WebhookRequest => ({
  method: 'POST',
  headers: contentType === undefined ? {} : { 'content-type': contentType },
  body: typeof body === 'string' ? Buffer.from(body) : body,
});

function refusal(request: WebhookRequest): { status: number; message: string } {
  try {
    parseWebhook(request);
  } catch (error) {
    if (error instanceof HttpError) return { status: error.status, message: error.message };
    if (error instanceof ValidationError) return { status: 400, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('parseWebhook accepts', () => {
  it("the manual's example exactly as printed, missing comma and all", () => {
    expect(manualExample).toContain('"8a5d5db451e9-6bd98ab0066f"\n"sip_call_id"');
    expect(parseWebhook(post(manualExample, 'application/json'))).toEqual({
      com_id: '42f30becd4ea93edd284e059427b5ee0',
      dp_id: '42f30becd4ea93edd284e059427cf1f7',
      dp_in_number: '1003',
      dp_ex_number: '31102380095',
      callee_number: '31102380095',
      caller_number: '31152026057',
      uuid: 'b587f4ee-718d-11ed-88ee-b97829e8fee4',
      phonebook_caller_name: '',
      event_time: '1669908899250',
      call_start_time: '1669908896814',
      rta_call_id: '8a5d5db451e9-6bd98ab0066f',
      sip_call_id: 'lsjuf8109juq1i0a9vai',
    });
  });

  it('the example with CRLF line ends', () => {
    expect(parseWebhook(post(manualExample.replace(/\n/g, '\r\n'), 'application/json'))?.sip_call_id).toBe(
      'lsjuf8109juq1i0a9vai',
    );
  });

  it.each<[string, string | undefined, string]>([
    ['JSON', 'application/json', '{"caller_number":"0612345678","uuid":"u1"}'],
    ['JSON with a charset', 'application/json; charset=UTF-8', '{"caller_number":"0612345678","uuid":"u1"}'],
    ['JSON without a content type', undefined, ' {"caller_number":"0612345678","uuid":"u1"}'],
    ['JSON sent as text/plain', 'text/plain', '{"caller_number":"0612345678","uuid":"u1"}'],
    ['a form', 'application/x-www-form-urlencoded', 'caller_number=0612345678&uuid=u1'],
    ['a form without a content type', undefined, 'caller_number=0612345678&uuid=u1'],
  ])('%s', (_name, type, body) => {
    expect(parseWebhook(post(body, type))).toEqual({ caller_number: '0612345678', uuid: 'u1' });
  });

  it('unknown fields, ignoring them, and nulls as missing', () => {
    expect(
      parseWebhook(post('{"caller_number":"1003","extra":{"deep":[1]},"uuid":null}', 'application/json')),
    ).toEqual({ caller_number: '1003' });
  });

  it('a form value with encoded characters', () => {
    expect(parseWebhook(post('caller_number=%2B31152026057', 'application/x-www-form-urlencoded'))).toEqual({
      caller_number: '+31152026057',
    });
  });

  it('a GET as carrying no call', () => {
    expect(parseWebhook({ method: 'GET', headers: {}, body: undefined })).toBeUndefined();
  });
});

describe('parseWebhook refuses', () => {
  it.each<[string, WebhookRequest, number, string]>([
    ['PUT', { method: 'PUT', headers: {}, body: undefined }, 405, 'method PUT is not allowed'],
    ['DELETE', { method: 'DELETE', headers: {}, body: undefined }, 405, 'use POST'],
    ['an empty body', post('', 'application/json'), 400, 'body is empty'],
    ['a blank body', post('  \n', 'application/json'), 400, 'body is empty'],
    [
      'a body over the limit',
      post(`{"caller_number":"${'1'.repeat(BODY_LIMIT_BYTES)}"}`, 'application/json'),
      413,
      `at most ${BODY_LIMIT_BYTES}`,
    ],
    [
      'a body declared larger than the limit',
      { ...post('{}', 'application/json'), bodyLength: BODY_LIMIT_BYTES + 1 },
      413,
      `body is ${BODY_LIMIT_BYTES + 1} bytes`,
    ],
    ['XML', post('<call/>', 'application/xml'), 415, 'content-type application/xml is not supported'],
    [
      'bytes that are not UTF-8',
      post(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), 'application/json'),
      400,
      'UTF-8',
    ],
    ['a JSON array', post('[1,2]', 'application/json'), 400, 'body must be a JSON object'],
    ['a JSON string', post('"x"', 'application/json'), 400, 'body must be a JSON object'],
    [
      'a number field',
      post('{"caller_number":31152026057}', 'application/json'),
      400,
      'field caller_number must be a string, got a number',
    ],
    [
      'an object field',
      post('{"uuid":{"a":1}}', 'application/json'),
      400,
      'field uuid must be a string, got an object',
    ],
    [
      'an array field',
      post('{"com_id":["a"]}', 'application/json'),
      400,
      'field com_id must be a string, got an array',
    ],
    [
      'a boolean field',
      post('{"event_time":true}', 'application/json'),
      400,
      'field event_time must be a string, got a boolean',
    ],
    [
      'an oversized field',
      post(`{"phonebook_caller_name":"${'x'.repeat(300)}"}`, 'application/json'),
      400,
      'field phonebook_caller_name is 300 characters',
    ],
    [
      'a field given twice in a form',
      post('uuid=a&uuid=b', 'application/x-www-form-urlencoded'),
      400,
      'field uuid is given more than once',
    ],
    [
      'a field given twice in JSON, as in a form',
      post('{"uuid":"a","caller_number":"1003","uuid":"b"}', 'application/json'),
      400,
      'field uuid is given more than once',
    ],
    [
      'a truncated object',
      post('{"caller_number": "1003"', 'application/json'),
      400,
      'invalid JSON at line 1, column 25',
    ],
    [
      'a missing comma between two pairs on one line',
      post('{"caller_number": "1003" "uuid": "u"}', 'application/json'),
      400,
      'invalid JSON at line 1, column 26 (position 25)',
    ],
    [
      'a missing comma after a number value',
      post('{\n"a": 1\n"caller_number": "1003"\n}', 'application/json'),
      400,
      'invalid JSON at line 3, column 1',
    ],
    [
      'a trailing comma',
      post('{\n"caller_number": "1003",\n}', 'application/json'),
      400,
      'invalid JSON at line 3, column 1',
    ],
    [
      'single quotes',
      post("{'caller_number': '1003'}", 'application/json'),
      400,
      'invalid JSON at line 1, column 2',
    ],
  ])('%s', (_name, request, status, message) => {
    const { status: actualStatus, message: actualMessage } = refusal(request);
    expect(actualStatus).toBe(status);
    expect(actualMessage).toContain(message);
  });

  it('a missing comma repaired next to a second defect, reporting the first', () => {
    const broken = manualExample.replace('"1003",', '"1003",,');
    expect(refusal(post(broken, 'application/json'))).toEqual({
      status: 400,
      message: expect.stringMatching(/^invalid JSON at line 4, column \d+/),
    });
  });
});

describe('the repair of missing commas', () => {
  it('is linear: a line of a quarter megabyte of spaces takes no time to speak of', () => {
    // Quadratic, this took tens of seconds; the request limit (16 KiB) hid it at ~100 ms a body.
    const started = performance.now();
    for (const spaces of [
      `{\n${' '.repeat(256_000)}"a": "b"\n"c": 1}`,
      `{\n"a"${' '.repeat(256_000)}: "b"\n"c": 1}`,
    ]) {
      expect(repairMissingCommas(spaces)).toContain('"b",');
    }
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('leaves unknown fields given twice to be ignored', () => {
    expect(parseWebhook(post('{"x":1,"x":2,"uuid":"u"}', 'application/json'))).toEqual({ uuid: 'u' });
  });
});
