/** What the `jmespath` package exports beside `search`, which its published types leave out. */
import 'jmespath';

declare module 'jmespath' {
  /** Parses an expression. @throws Error when it is not JMESPath. */
  export function compile(expression: string): unknown;
}
