/**
 * An evaluator of CloudWatch Logs' JSON filter patterns
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html), so the
 * tests can run the stack's metric filters, read from the synthesized template, against the log
 * lines the function really writes. Where the documentation leaves a case open, this evaluator
 * takes the strict reading, so a test passes only on lines CloudWatch surely counts:
 * - a comparison on a field that is missing, or of another JSON type, does not match (`!=` too);
 * - a quoted value compares with strings only (`*` matches any run of characters), an unquoted
 *   number with numbers only; `<`, `>`, `<=`, `>=` take numbers (CloudWatch rejects them on strings);
 * - `&&` and `||` side by side without parentheses are refused as ambiguous.
 */

/** One comparison of a pattern, on the value its selector finds. */
type Test = (value: unknown, found: boolean) => boolean;

type Path = (string | number)[];

type Node = { kind: 'and' | 'or'; terms: Node[] } | { kind: 'test'; path: Path; test: Test };

/** A metric filter's transformation as the template has it (`MetricTransformations[n]`). */
export interface MetricTransformation {
  MetricName: string;
  MetricNamespace?: string;
  MetricValue: string;
  Dimensions?: { Key: string; Value: string }[];
  DefaultValue?: number;
  Unit?: string;
}

/** What CloudWatch publishes for one matching line. */
export interface MetricDatum {
  value: number;
  dimensions: Record<string, string>;
}

/**
 * Whether `logLine` (the line's text, or the line already parsed) matches the JSON filter `pattern`.
 * @throws Error on a pattern that is not a JSON pattern or does not parse.
 * @example matchesFilter('{ $.message.status = 401 }', '{"message":{"status":401}}') // true
 */
export function matchesFilter(pattern: string, logLine: unknown): boolean {
  const tree = parsePattern(pattern);
  const event = typeof logLine === 'string' ? parseJsonObject(logLine) : logLine;
  return event !== undefined && evaluate(tree, event);
}

/**
 * What the transformation publishes for a line its filter matched: the value and dimensions,
 * each `$.…` read from the line; undefined when a selector finds no usable value, as CloudWatch
 * then publishes nothing.
 */
export function metricDatum(transformation: MetricTransformation, logLine: unknown): MetricDatum | undefined {
  const event = typeof logLine === 'string' ? parseJsonObject(logLine) : logLine;
  const read = (expression: string): unknown =>
    expression.startsWith('$') ? select(event, parseSelector(expression)).value : expression;
  const raw = read(transformation.MetricValue);
  const value = typeof raw === 'string' && NUMBER.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number') return undefined;
  const dimensions: Record<string, string> = {};
  for (const { Key, Value } of transformation.Dimensions ?? []) {
    const dimension = read(Value);
    if (typeof dimension !== 'string' && typeof dimension !== 'number') return undefined;
    dimensions[Key] = String(dimension);
  }
  return { value, dimensions };
}

function parseJsonObject(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function evaluate(node: Node, event: unknown): boolean {
  if (node.kind === 'test') {
    const { found, value } = select(event, node.path);
    return node.test(value, found);
  }
  const holds = (term: Node) => evaluate(term, event);
  return node.kind === 'and' ? node.terms.every(holds) : node.terms.some(holds);
}

/** The value at a selector's path (`['message', 'fallbackCause']`, `['records', 0]`). */
function select(event: unknown, path: Path): { found: boolean; value: unknown } {
  let current: unknown = event;
  for (const step of path) {
    const container = typeof step === 'number' ? Array.isArray(current) : isObject(current);
    if (!container || !Object.hasOwn(current as object, step)) return { found: false, value: undefined };
    current = (current as Record<string | number, unknown>)[step];
  }
  return { found: true, value: current };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `$.message.records[0].name` → `['message', 'records', 0, 'name']`. */
function parseSelector(selector: string): Path {
  if (!selector.startsWith('$')) throw new Error(`expected a $. selector, got "${selector}"`);
  const path: Path = [];
  const step = /\.([A-Za-z0-9_@:-]+)|\[(\d+)\]/y;
  step.lastIndex = 1;
  while (step.lastIndex < selector.length) {
    const match = step.exec(selector);
    if (!match) throw new Error(`unsupported selector ${selector}`);
    path.push(match[1] ?? Number(match[2]));
  }
  return path;
}

// The pattern's tokens: punctuation, operators, selectors, quoted strings and bare words.
const TOKEN =
  /\s*(\{|\}|\(|\)|&&|\|\||!=|<=|>=|=|<|>|\$[^\s=!<>()&|{}]*|"(?:[^"\\]|\\.)*"|[^\s=!<>()&|{}"]+)/y;

function tokenize(pattern: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < pattern.trimEnd().length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(pattern);
    if (!match) throw new Error(`cannot read the filter pattern at "${pattern.slice(at).trim()}"`);
    tokens.push(match[1] as string);
  }
  return tokens;
}

/** Parses a whole `{ … }` JSON pattern. */
function parsePattern(pattern: string): Node {
  if (!pattern.trim().startsWith('{')) throw new Error(`not a JSON filter pattern ({ … }): ${pattern}`);
  const parser = new Parser(tokenize(pattern));
  parser.expect('{');
  const tree = parser.expression();
  parser.expect('}');
  parser.end();
  return tree;
}

/** A recursive-descent parser over the tokens of a JSON pattern. */
class Parser {
  private at = 0;

  constructor(private readonly tokens: string[]) {}

  expect(token: string): void {
    if (this.next() !== token) throw new Error(`expected "${token}" in the filter pattern`);
  }

  end(): void {
    if (this.at < this.tokens.length)
      throw new Error(`unexpected "${this.tokens[this.at]}" after the pattern`);
  }

  /** Terms joined by one of `&&` or `||`: mixing them needs parentheses. */
  expression(): Node {
    const terms = [this.term()];
    let joiner: string | undefined;
    while (this.peek() === '&&' || this.peek() === '||') {
      const next = this.next();
      if (joiner && next !== joiner) throw new Error('mixed && and || need parentheses');
      joiner = next;
      terms.push(this.term());
    }
    if (!joiner) return terms[0] as Node;
    return { kind: joiner === '&&' ? 'and' : 'or', terms };
  }

  private term(): Node {
    if (this.peek() === '(') {
      this.next();
      const inner = this.expression();
      this.expect(')');
      return inner;
    }
    const path = parseSelector(this.next() ?? '');
    return { kind: 'test', path, test: this.comparison() };
  }

  /** What follows a selector: `IS TRUE|FALSE|NULL`, `NOT EXISTS`, or an operator and a value. */
  private comparison(): Test {
    const word = this.next() ?? '';
    if (word === 'IS') {
      const expected = { TRUE: true, FALSE: false, NULL: null }[this.next() ?? ''];
      if (expected === undefined) throw new Error('expected TRUE, FALSE or NULL after IS');
      return (value, found) => found && value === expected;
    }
    if (word === 'NOT') {
      this.expect('EXISTS');
      return (_value, found) => !found;
    }
    return valueTest(word, this.next() ?? '');
  }

  private peek(): string | undefined {
    return this.tokens[this.at];
  }

  private next(): string | undefined {
    return this.tokens[this.at++];
  }
}

const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/** The test of `operator literal`: numeric for an unquoted number, else a string match. */
function valueTest(operator: string, literal: string): Test {
  if (!['=', '!=', '<', '>', '<=', '>='].includes(operator)) {
    throw new Error(`expected an operator after the selector, got "${operator}"`);
  }
  if (!/^[^(){}&|]/.test(literal)) throw new Error(`expected a value after ${operator}, got "${literal}"`);
  if (NUMBER.test(literal)) {
    const expected = Number(literal);
    return (value) => typeof value === 'number' && compareNumbers(value, operator, expected);
  }
  if (operator !== '=' && operator !== '!=') {
    throw new Error(`${operator} compares numbers only, got ${literal}`);
  }
  const text = literal.startsWith('"') ? (JSON.parse(literal) as string) : literal;
  const wildcard = new RegExp(`^${text.split('*').map(escapeRegExp).join('.*')}$`, 's');
  return (value) => typeof value === 'string' && wildcard.test(value) === (operator === '=');
}

function compareNumbers(value: number, operator: string, expected: number): boolean {
  switch (operator) {
    case '=':
      return value === expected;
    case '!=':
      return value !== expected;
    case '<':
      return value < expected;
    case '>':
      return value > expected;
    case '<=':
      return value <= expected;
    default:
      return value >= expected;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
