/**
 * Where `npm start` keeps its data, and the state file through which `npm run call` and
 * `npm run callers` find the running product (URL, table, tokens).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The default data folder, beside the project. */
export const DEFAULT_LOCAL_DIR = join(__dirname, '..', '.local-data');

/** What `npm start` writes for `npm run call` and `npm run callers` to find it. */
export interface LocalState {
  url: string;
  endpoint: string;
  tableName: string;
  comId: string;
  webhookToken: string;
  adminToken: string;
  ingestToken: string;
}

/** The data folder: LOCAL_DATA_DIR, else `.local-data/`; every local command reads it the same way. */
export function localDataDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.LOCAL_DATA_DIR || DEFAULT_LOCAL_DIR;
}

function stateFile(dataDir: string): string {
  return join(dataDir, 'local.json');
}

/** Reads what the last `npm start` on this data folder wrote, if anything. */
export function readState(dataDir: string = localDataDir()): LocalState | undefined {
  try {
    return JSON.parse(readFileSync(stateFile(dataDir), 'utf8')) as LocalState;
  } catch {
    return undefined;
  }
}

/** Writes the state, readable by this user only: it holds the local tokens. */
export function writeState(dataDir: string, state: LocalState): void {
  writeFileSync(stateFile(dataDir), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

/** Puts back a state read earlier; none: removes the file. */
export function restoreState(dataDir: string, state: LocalState | undefined): void {
  if (state) writeState(dataDir, state);
  else rmSync(stateFile(dataDir), { force: true });
}

/** Another `npm start` runs on the same data folder. */
export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
}

/**
 * Claims the data folder for this process (a pid file), so a second `npm start` on it stops
 * with a clear message instead of failing inside the embedded DynamoDB. A pid file whose
 * process is gone is taken over. Returns the release.
 */
export function claimDataDir(dataDir: string): () => void {
  const file = `${dataDir}/npm-start.pid`;
  const holder = Number(readText(file));
  if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isRunning(holder)) {
    const shown = relative(process.cwd(), dataDir) || '.';
    throw new DataDirInUseError(
      `another \`npm start\` is using ${shown}/ (pid ${holder}): stop it first, or set LOCAL_DATA_DIR to another folder`,
    );
  }
  writeFileSync(file, String(process.pid));
  return () => {
    if (Number(readText(file)) === process.pid) rmSync(file, { force: true });
  };
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
