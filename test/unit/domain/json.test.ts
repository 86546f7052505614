import { JsonError, MAX_JSON_DEPTH, readJson, repeatedKeys } from '../../../lambda/domain/json';

describe('readJson', () => {
  it('reads JSON as JSON.parse does', () => {
    expect(readJson('{"a": [1, {"b": null}], "c": "x"}')).toEqual({ a: [1, { b: null }], c: 'x' });
  });

  it(`refuses nesting deeper than ${MAX_JSON_DEPTH}, saying so, without running out of stack`, () => {
    const deep = `{"tags":{"add":${'['.repeat(5000)}${']'.repeat(5000)}}}`;
    expect(() => readJson(deep)).toThrow(JsonError);
    expect(() => readJson(deep)).toThrow(`nests deeper than ${MAX_JSON_DEPTH} levels`);
    expect(() => readJson('['.repeat(200_000))).toThrow(`nests deeper than ${MAX_JSON_DEPTH} levels`);
  });

  it('does not count brackets inside strings', () => {
    expect(readJson(`{"text": "${'['.repeat(100)}"}`)).toEqual({ text: '['.repeat(100) });
  });

  it('says where invalid JSON breaks, quoting none of it', () => {
    const secret = '{"notes": "Klant belt over factuur 2026-118, bedrag 1.234,00" "more": 1}';
    let message = '';
    try {
      readJson(secret);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^invalid JSON at line 1, column \d+ \(position \d+\): /);
    for (const word of ['factuur', '2026-118', '1.234', 'Klant', 'more']) expect(message).not.toContain(word);
  });

  it('refuses a key given twice in one object, naming a short excerpt of it', () => {
    expect(() => readJson('{"a": 1, "a": 2}', { uniqueKeys: true })).toThrow(
      'field a is given more than once',
    );
    expect(() =>
      readJson(`{"${'k'.repeat(500)}": 1, "${'k'.repeat(500)}": 2}`, { uniqueKeys: true }),
    ).toThrow(`field ${'k'.repeat(40)}… is given more than once`);
  });
});

describe('repeatedKeys', () => {
  it.each<[string, string[]]>([
    ['{"a":1,"b":2}', []],
    ['{"a":1,"a":2}', ['a']],
    ['{"a":{"b":1},"b":2}', []],
    ['{"a":{"b":1,"b":2}}', ['b']],
    ['[{"a":1},{"a":2}]', []],
    ['{"a":"x\\":\\"a","b":1}', []],
    ['{"a" : 1, "a" :2}', ['a']],
    ['{"\\u0061":1,"a":2}', ['a']],
    ['{"list":["a","a"]}', []],
    ['{"x":1,"x":2,"uuid":"a","uuid":"b"}', ['x', 'uuid']],
  ])('in %s are %j', (json, keys) => {
    expect(repeatedKeys(json)).toEqual(keys);
  });
});
