/**
 * The one JSON reader of every door (the webhook, the admin API, the AI Notulist, the import,
 * the configuration, the connectors): a nesting depth limit checked before parsing, so no
 * input can exhaust the stack; errors that say where the text breaks without quoting it;
 * and, when asked, a key given twice in one object refused rather than read as its last value.
 */
import { excerpt, ValidationError } from './errors';

/** Deeper than any document the product reads (a profile is 5 levels, a connector event 6). */
export const MAX_JSON_DEPTH = 32;

/** JSON that cannot be read: invalid, nested too deep, or naming a key twice. */
export class JsonError extends ValidationError {
  override name = 'JsonError';
}

export interface JsonOptions {
  maxDepth?: number;
  /** Refuse an object that names a key twice (`JSON.parse` would keep the last silently). */
  uniqueKeys?: boolean;
}

/**
 * Parses JSON text.
 * @throws JsonError naming the line and column of the defect, or the depth, or the repeated key.
 */
export function readJson(text: string, options: JsonOptions = {}): unknown {
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const tooDeep = depthBeyond(text, maxDepth);
  if (tooDeep !== undefined) {
    throw new JsonError(undefined, `JSON nests deeper than ${maxDepth} levels (at position ${tooDeep})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new JsonError(undefined, describeJsonError(text, error));
  }
  if (options.uniqueKeys) {
    const [twice] = repeatedKeys(text);
    if (twice !== undefined) throw new JsonError(excerpt(twice), 'is given more than once');
  }
  return value;
}

/** The position where the nesting first goes beyond `maxDepth`, or undefined. One pass, no recursion. */
function depthBeyond(text: string, maxDepth: number): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === 0x22) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (char === 0x5b || char === 0x7b) {
      if (++depth > maxDepth) return i;
    } else if (char === 0x5d || char === 0x7d) depth--;
  }
  return undefined;
}

/** What broke and where, in words that quote nothing of the text. */
function describeJsonError(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = Number(/position (\d+)/.exec(message)?.[1] ?? text.length);
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `invalid JSON at line ${line}, column ${column} (position ${position}): ${kindOf(message)}`;
}

/** V8's words for a parse error, without the text it quotes. */
function kindOf(message: string): string {
  if (/Unexpected end|Unterminated string/i.test(message)) return 'the text ends before the JSON does';
  if (/Bad control character/i.test(message)) return 'a control character inside a string';
  if (/Bad (escaped|Unicode escape)/i.test(message)) return 'a broken escape inside a string';
  if (/Expected property name|Expected double-quoted property name/i.test(message)) {
    return 'expected a key in double quotes';
  }
  if (/Expected ',' or '}'/i.test(message)) return "expected ',' or '}' after a value";
  if (/Expected ',' or ']'/i.test(message)) return "expected ',' or ']' after a value";
  if (/Unexpected non-whitespace character after JSON/i.test(message)) return 'more text after the JSON';
  return 'unexpected character';
}

/**
 * The keys that one object of a valid JSON text names twice, in order. One pass over the text.
 */
export function repeatedKeys(json: string): string[] {
  const repeated: string[] = [];
  const objects: (Set<string> | undefined)[] = [];
  for (let i = 0; i < json.length; i++) {
    const char = json[i];
    if (char === '{') objects.push(new Set());
    else if (char === '[') objects.push(undefined);
    else if (char === '}' || char === ']') objects.pop();
    else if (char === '"') {
      const start = i;
      for (i++; i < json.length && json[i] !== '"'; i++) if (json[i] === '\\') i++;
      const keys = objects.at(-1);
      let next = i + 1;
      while (next < json.length && ' \t\r\n'.includes(json[next] as string)) next++;
      if (!keys || json[next] !== ':') continue;
      const key = JSON.parse(json.slice(start, i + 1)) as string;
      if (keys.has(key)) repeated.push(key);
      keys.add(key);
    }
  }
  return repeated;
}
