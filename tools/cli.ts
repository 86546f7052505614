/**
 * What every command-line tool shares: a commander program with `--help`, an example and a
 * one-line error plus usage for a wrong option; one way to end with an error a user can act
 * on; and the words for a server or table that is not there.
 */
import '../local/node-support';
import { Command, CommanderError } from 'commander';
import { ValidationError } from '../lambda/domain/errors';
import { classifyStoreError } from '../lambda/store/errors';

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

/** A tool's main: its arguments as typed after `npm run <script> --`. */
export type ToolMain = (argv: string[]) => Promise<void>;

/**
 * Runs a tool's main and says how it ended: 0 done, 1 done with failures (the tool set
 * `process.exitCode`), 2 not done. Errors are printed as one line (`npm run <script>:
 * <message>`), never a stack trace. The tests run the tools in their own process this way.
 */
export async function runCli(script: string, main: ToolMain, argv: string[]): Promise<number> {
  process.exitCode = undefined;
  try {
    await main(argv);
    return Number(process.exitCode ?? 0);
  } catch (error) {
    // Commander has printed its error (or the help) already.
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
    }
    const message =
      error instanceof ValidationError
        ? error.columnMessage
        : error instanceof Error
          ? error.message
          : String(error);
    console.error(`npm run ${script}: ${message}`);
    return error instanceof CliError ? error.exitCode : 2;
  } finally {
    process.exitCode = undefined;
  }
}

/** Runs a tool as its own process: its arguments from the command line, its exit code the process's. */
export function runTool(script: string, main: ToolMain): void {
  void runCli(script, main, process.argv.slice(2)).then((code) => {
    // A tool that failed stops at once; one that ran ends when its work is done.
    if (code === 2) process.exit(code);
    process.exitCode = code;
  });
}

/** Whether an error means nothing listens at the address (refused, unknown host), however it was wrapped. */
export function isNotListening(error: unknown): boolean {
  return classifyStoreError(error) === 'unreachable';
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
