import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type App, Validations } from 'aws-cdk-lib';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { PRESENCE_CONTEXT, testApp } from '../support/cdk-app';

interface Violation {
  ruleName: string;
  violatingConstructs: { constructPath: string }[];
}

/** The cdk-nag findings of a synth, from the validation report in the cloud assembly. */
function findings(app: App): Violation[] {
  const report = path.join(app.synth().directory, 'validation-report.json');
  if (!existsSync(report)) return [];
  const { pluginReports } = JSON.parse(readFileSync(report, 'utf8')) as {
    pluginReports: { pluginName: string; violations: Violation[] }[];
  };
  return pluginReports.flatMap((plugin) => plugin.violations);
}

/**
 * Every `Validations.of(...).acknowledge(...)` in the app, with where it was made: aws-cdk-lib
 * keeps them as metadata, one entry per call, mapping `Annotation::<rule id>` to the reason.
 */
function acknowledgements(app: App): { path: string; id: string; reason: string }[] {
  return app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([key, reason]) => ({
          path: construct.node.path,
          id: key.replace(/^Annotation::/, ''),
          reason,
        })),
      ),
  );
}

describe('cdk-nag AWS Solutions checks', () => {
  it('find nothing in the default deployment', () => {
    expect(findings(testApp().app)).toEqual([]);
  });

  it('find nothing with every option on: customer-managed key, alarm e-mail, provisioned concurrency', () => {
    const { app } = testApp({
      tableKms: true,
      alarmEmail: 'ops@example.com',
      provisionedConcurrency: 2,
      allowedSourceCidrs: '203.0.113.0/24',
      presence: PRESENCE_CONTEXT,
    });
    expect(findings(app)).toEqual([]);
  });

  it('run over the whole app: a non-compliant resource added to the stack is reported', () => {
    const { app, stack } = testApp();
    new Topic(stack, 'PlainTopic');
    expect(findings(app)).toEqual([
      expect.objectContaining({
        ruleName: 'AwsSolutions-SNS3',
        violatingConstructs: [
          expect.objectContaining({ constructPath: `${stack.stackName}/PlainTopic/Resource` }),
        ],
      }),
    ]);
  });

  it('are acknowledged at most a few times, each with a reason a reviewer can check', () => {
    const { app } = testApp({ tableKms: true, alarmEmail: 'ops@example.com' });
    for (const acknowledgement of acknowledgements(app)) {
      expect(acknowledgement.reason.length).toBeGreaterThan(40);
    }
    expect(acknowledgements(app).length).toBeLessThanOrEqual(3);
    // The one today: the connectors' secret, whose values the sources rotate.
    expect(acknowledgements(app).map(({ id, path }) => [id, path.split('/').at(-1)])).toEqual([
      ['AwsSolutions-SMG4', 'ConnectorSecrets'],
    ]);
  });
});
