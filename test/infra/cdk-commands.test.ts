/**
 * Every CDK command the docs give works as written on a fresh clone: offline, with no AWS
 * credentials and no webhook token. Commands that need an account stop at the account, never
 * at the project's settings; a deploy without a token is refused by the template itself.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../bundle/options';
import { WEBHOOK_TOKEN_MISSING } from '../../infra/settings';

const run = promisify(execFile);

let home: string;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'cdk-home-'));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** `npx cdk <args>` as a new user runs it: no AWS set-up, nothing but the npm registry. */
async function cdk(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string; template: string }> {
  const output = mkdtempSync(join(tmpdir(), 'cdk-out-'));
  try {
    const { stdout, stderr } = await run('npx', ['cdk', ...args, '--output', output], {
      cwd: PROJECT_ROOT,
      timeout: 120_000,
      env: {
        PATH: process.env.PATH,
        HOME: home,
        // No instance metadata lookups: the test talks to nothing but this machine.
        AWS_EC2_METADATA_DISABLED: 'true',
        CDK_DISABLE_VERSION_CHECK: '1',
        CDK_DISABLE_CLI_TELEMETRY: '1',
        npm_config_update_notifier: 'false',
      },
    });
    return { code: 0, stdout, stderr, template: readTemplate(output) };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr, template: '' };
  } finally {
    rmSync(output, { recursive: true, force: true });
  }
}

function readTemplate(output: string): string {
  try {
    return readFileSync(join(output, 'CallvoipWebhook.template.json'), 'utf8');
  } catch {
    return '';
  }
}

const accountNeeded = /Unable to resolve AWS account/;

describe('without a webhook token and without AWS credentials', () => {
  it.concurrent('cdk ls lists the stack', async () => {
    const { code, stdout, stderr } = await cdk('ls');
    expect([code, stdout.trim()]).toEqual([0, 'CallvoipWebhook']);
    expect(stderr).toContain(WEBHOOK_TOKEN_MISSING);
  }, 120_000);

  it.concurrent('cdk synth writes a template that CloudFormation will refuse to deploy, saying why', async () => {
    const { code, template: text } = await cdk('synth', '--quiet');
    expect(code).toBe(0);
    const template = JSON.parse(text) as {
      Parameters: Record<string, { AllowedValues: string[]; Default: string; ConstraintDescription: string }>;
      Resources: Record<string, { Type: string }>;
    };
    expect(template.Parameters.DeployRefused).toMatchObject({
      Default: 'not-ready',
      AllowedValues: ['ready'],
      ConstraintDescription: WEBHOOK_TOKEN_MISSING,
    });
    expect(Object.values(template.Resources).map((resource) => resource.Type)).not.toContain(
      'AWS::CDK::Metadata',
    );
  }, 120_000);

  it.concurrent.each([
    ['diff'],
    ['destroy', '--force'],
    ['bootstrap'],
    ['deploy', '--require-approval', 'never'],
  ])(
    'cdk %s goes as far as the AWS account, not stopping at the settings',
    async (...args) => {
      const { code, stderr } = await cdk(...args);
      expect(code).not.toBe(0);
      expect(stderr).toMatch(accountNeeded);
      expect(stderr).not.toContain('invalid deployment settings');
    },
    120_000,
  );
});

describe('with a token', () => {
  it.concurrent('synthesizes a template without the refusal', async () => {
    const { code, template } = await cdk('synth', '--quiet', '-c', `webhookTokenSha256=${'0'.repeat(64)}`);
    expect(code).toBe(0);
    expect(JSON.parse(template).Parameters?.DeployRefused).toBeUndefined();
  }, 120_000);

  it.concurrent('still refuses a bad setting for every command, naming it', async () => {
    const { code, stderr } = await cdk('ls', '-c', 'belplanTimeoutMs=12000');
    expect(code).toBe(1);
    expect(stderr).toContain('belplanTimeoutMs must be a whole number from 1000 to 10000, got "12000"');
  }, 120_000);
});
