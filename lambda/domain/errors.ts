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
