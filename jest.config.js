/**
 * The test projects: unit (pure parts, tables), infra (the template, cdk-nag, the CDK CLI)
 * and integration (the real handlers, SDK, dynalite, servers, CLIs, bundles). TypeScript is
 * compiled by SWC without type checks: `npm run typecheck` checks types once for all.
 */
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
  ],
};

/** One project: its folder under test/, compiled and set up like every other. */
const project = (name) => ({
  displayName: name,
  testEnvironment: 'node',
  roots: [`<rootDir>/test/${name}`],
  testMatch: ['**/*.test.ts'],
  transform,
  setupFiles: ['<rootDir>/local/node-support.ts'],
});

module.exports = {
  projects: ['unit', 'infra', 'integration'].map(project),
  testTimeout: 60_000,
};
