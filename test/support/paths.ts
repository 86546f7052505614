/** Where the project and the test fixtures are, for tests at any depth of test/. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The project's root folder. */
export const ROOT = join(__dirname, '..', '..');

/** A fixture's text, by its name under test/fixtures/. */
export function fixture(name: string): string {
  return readFileSync(join(ROOT, 'test', 'fixtures', name), 'utf8');
}

/** The tsx binary the tests run a tool's entry with, where a test needs a process of its own. */
export const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
