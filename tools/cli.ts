/**
 * What every command-line tool shares: a commander program with `--help`, an example and a
 * one-line error plus usage for a wrong option; one way to end with an error a user can act
 * on; and the words for a server or table that is not there.
 */
import '../local/node-support';
import { Command, CommanderError } from 'commander';
import { ValidationError } from '../lambda/domain/errors';

/** An error whose message tells the user what to do; printed without a stack. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    /** 2: the command was used wrongly or its target is missing; 1: it ran and something failed. */
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
  }
}

/** The parts of a tool's help. */
export interface ProgramSpec {
  /** The npm script, e.g. `call`. */
  script: string;
  /** What goes after `npm run <script> --`. */
  usage: string;
  description: string;
  /** Example command lines, shown under --help. */
  examples: string[];
}

/** A commander program that answers --help with usage, options and examples, and a wrong option with one line. */
export function program(spec: ProgramSpec): Command {
  const usage = `npm run ${spec.script} -- ${spec.usage}`;
  return new Command(`npm run ${spec.script} --`)
    .usage(spec.usage)
    .description(spec.description)
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', `\nExamples:\n${spec.examples.map((example) => `  ${example}`).join('\n')}\n`)
    .showHelpAfterError(`usage: ${usage}   (--help for the options and examples)`)
    .allowExcessArguments(false)
    .exitOverride();
}

/**
 * Runs a tool's main and ends the process with an exit code that says what happened: 0 done,
 * 1 done with failures (the tool set `process.exitCode`), 2 not done. Errors are one line
 * (`npm run <script>: <message>`), never a stack trace.
 */
export function runTool(script: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof CommanderError) {
      // Commander has printed the error (or the help) already.
      process.exit(error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2);
    }
    const message =
      error instanceof ValidationError
        ? error.columnMessage
        : error instanceof Error
          ? error.message
          : String(error);
    console.error(`npm run ${script}: ${message}`);
    process.exit(error instanceof CliError ? error.exitCode : 2);
  });
}

/** Whether an error means nothing listens at the address (refused, unknown host). */
export function isNotListening(error: unknown): boolean {
  for (let e = error as { code?: string; cause?: unknown } | undefined, depth = 0; e && depth < 4; depth++) {
    if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'EHOSTUNREACH') return true;
    e = e.cause as typeof e;
  }
  return false;
}

/** The error for a local URL that does not answer: say how to start it. */
export function notRunning(url: string): CliError {
  return new CliError(`nothing answers at ${url} — start it with \`npm start\` (or pass --url)`);
}

/** A whole number option within bounds. */
export function wholeNumber(name: string, min: number, max: number): (value: string) => number {
  return (value: string) => {
    const number = Number(value);
    if (!/^\d+$/.test(value) || number < min || number > max) {
      throw new CliError(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
    }
    return number;
  };
}

/**
 * The advice for an AWS SDK error that means this machine is not set up for AWS (no region,
 * no credentials), or undefined for any other error.
 */
export function awsSetupProblem(error: unknown): CliError | undefined {
  const e = error as { name?: string; message?: string } | undefined;
  if (e?.message === 'Region is missing') {
    return new CliError(
      'no AWS region: set AWS_REGION (e.g. AWS_REGION=eu-west-1) or a region in your AWS profile',
    );
  }
  if (e?.name === 'CredentialsProviderError' || /Could not load credentials/.test(e?.message ?? '')) {
    return new CliError(
      'no AWS credentials: set AWS_PROFILE to a profile of ~/.aws/config (after `aws sso login` if it uses SSO), ' +
        'or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    );
  }
  return undefined;
}
