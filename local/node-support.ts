/**
 * Imported first by every command: the AWS SDK prints a 9-line warning on Node.js < 22 from
 * every process that creates a client (ten times in a test run). This project asks for Node 22
 * or newer itself, so that one warning is switched off by the SDK's own variable and replaced
 * by one line from `npm start`; every other warning stays.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** The oldest Node.js major the project supports (Lambda runs 24). */
export const MIN_NODE_MAJOR = 22;

/** A one-line note when this Node.js is older than the project supports, else undefined. */
export function oldNodeNote(version = process.version): string | undefined {
  const major = Number(/^v(\d+)/.exec(version)?.[1]);
  return major < MIN_NODE_MAJOR
    ? `note: Node.js ${version} is past its end of life; use Node.js ${MIN_NODE_MAJOR} or newer (Lambda runs 24)`
    : undefined;
}
