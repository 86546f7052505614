/**
 * The system's Chromium, driven by playwright-core, for the console's tests, its screenshots
 * and its bench: Debian's `chromium` package (CI installs it), or CHROMIUM_PATH.
 */
import { accessSync, constants } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/snap/bin/chromium',
];

/** Where Chromium is, or undefined. */
export function chromiumPath(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
  const candidates = env.CHROMIUM_PATH ? [env.CHROMIUM_PATH] : CANDIDATES;
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Why Chromium cannot be had here, or undefined when it can. */
export function chromiumProblem(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
  if (chromiumPath(env)) return undefined;
  return env.CHROMIUM_PATH
    ? `CHROMIUM_PATH ${env.CHROMIUM_PATH} is no program`
    : 'no Chromium found (Debian/Ubuntu: sudo apt-get install -y chromium; or set CHROMIUM_PATH)';
}

/** A headless Chromium. As root (CI containers) its sandbox cannot start, so it runs without. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error(chromiumProblem());
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  return chromium.launch({ executablePath, headless: true, args: root ? ['--no-sandbox'] : [] });
}
