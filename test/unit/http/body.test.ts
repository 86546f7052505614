import { toPlainRequest } from '../../../lambda/http/adapter';
import { mediaType, readJsonObject } from '../../../lambda/http/body';
import { functionUrlEvent } from '../../../local/events';

describe('mediaType', () => {
  it.each<[string | undefined, string]>([
    ['application/json', 'application/json'],
    ['Application/JSON; charset=utf-8', 'application/json'],
    [' text/plain ;x=1', 'text/plain'],
    ['', ''],
    [undefined, ''],
  ])('of %j is %j', (header, type) => {
    expect(mediaType(header)).toBe(type);
  });
});

describe('readJsonObject', () => {
  const read = (body: string, headers: Record<string, string> = {}) =>
    readJsonObject(toPlainRequest(functionUrlEvent({ body, headers })));

  it('reads a JSON object, taking a body without a type as JSON', () => {
    expect(read('{"agent":"1003"}')).toEqual({ agent: '1003' });
  });

  it.each<[string, string, Record<string, string>, string]>([
    ['another type', 'a=1', { 'content-type': 'application/x-www-form-urlencoded' }, 'is not supported'],
    ['invalid JSON', '{"a":', {}, 'invalid JSON'],
    ['an array', '[1]', {}, 'body must be a JSON object'],
    ['a key given twice', '{"agent":"1","agent":"2"}', {}, 'field agent is given more than once'],
  ])('refuses %s', (_name, body, headers, message) => {
    expect(() => read(body, headers)).toThrow(message);
  });
});
