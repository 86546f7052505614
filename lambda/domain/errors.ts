/**
 * The domain's one kind of refusal: input that breaks one of its rules. Domain code throws
 * it; the handler frame answers it with 400, a file importer with the line and column.
 */

/**
 * Input that breaks a rule of the domain: a caller number, a fact, a time, a body field.
 * `field` names where the problem is, when one field is to blame.
 *
 * @example throw new ValidationError('openInvoices', 'must be a whole number from 0')
 *          // HTTP: 400 "field openInvoices must be a whole number from 0"
 *          // CSV:  "line 7: openInvoices must be a whole number from 0"
 */
export class ValidationError extends Error {
  override name = 'ValidationError';
  /** What the request log calls the refusal. */
  readonly logReason: string = 'bad-request';
  constructor(
    readonly field: string | undefined,
    readonly problem: string,
  ) {
    super(field === undefined ? problem : `field ${field} ${problem}`);
  }

  /** The problem as a file importer words it: the column name instead of "field". */
  get columnMessage(): string {
    return this.field === undefined ? this.problem : `${this.field} ${this.problem}`;
  }
}

/** A profile configuration that cannot be used; the message names the profile and rule. */
export class ProfileConfigError extends Error {
  override name = 'ProfileConfigError';
}

/** The most of a caller's own text an error or a log line repeats. */
export const EXCERPT_CHARS = 40;

/**
 * A short, clean excerpt of text a caller sent, for an error message: control characters
 * become spaces, what looks like a phone number has its last four digits hidden (as the log
 * hides them), and anything past `EXCERPT_CHARS` is cut off with an ellipsis.
 * @example excerpt('call 0612345678 back') // 'call 061234**** back'
 */
export function excerpt(text: string, maxChars = EXCERPT_CHARS): string {
  const cut = text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  return cut.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(NUMBER_LIKE, hideLastDigits);
}

/** A run of digits with the separators people type between them, long enough to be a phone number. */
const NUMBER_LIKE = /\d(?:[\s\-./()]*\d){6,}/g;

/** A number-like run with its last four digits hidden. */
function hideLastDigits(run: string): string {
  let hide = 4;
  return [...run]
    .reverse()
    .map((char) => (/\d/.test(char) && hide-- > 0 ? '*' : char))
    .reverse()
    .join('');
}
