import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runtimeClientProblem } from '../../../local/ric';

describe('runtimeClientProblem', () => {
  let bin: string;
  beforeAll(() => {
    bin = mkdtempSync(join(tmpdir(), 'ric-tools-'));
    for (const tool of ['g++', 'make', 'python3', 'cmake']) {
      writeFileSync(join(bin, tool), '#!/bin/sh\n');
      chmodSync(join(bin, tool), 0o755);
    }
  });
  afterAll(() => rmSync(bin, { recursive: true, force: true }));

  it('finds nothing in the way on Linux with the build tools on the PATH', () => {
    expect(runtimeClientProblem({ platform: 'linux', path: bin, installed: false })).toBeUndefined();
  });

  it('names each build tool missing from the PATH, and how to install them', () => {
    rmSync(join(bin, 'cmake'));
    const problem = runtimeClientProblem({ platform: 'linux', path: bin, installed: false });
    writeFileSync(join(bin, 'cmake'), '#!/bin/sh\n');
    chmodSync(join(bin, 'cmake'), 0o755);

    expect(problem).toContain('missing: cmake');
    expect(problem).toContain('apt-get install -y cmake g++ make python3');
  });

  it('says the client cannot be built on macOS', () => {
    expect(runtimeClientProblem({ platform: 'darwin', path: bin, installed: false })).toMatch(
      /builds only on Linux \(its install skips the build on darwin\)/,
    );
  });

  it('needs no tools once the client is installed', () => {
    expect(runtimeClientProblem({ platform: 'linux', path: '', installed: true })).toBeUndefined();
  });
});
