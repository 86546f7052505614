/**
 * The CDK app (`cdk.json` runs it with tsx): reads the settings from context, builds the
 * stack, and runs cdk-nag's AWS Solutions checks over all of it; an unacknowledged finding
 * fails synth.
 */
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readSettings, type Settings, SettingsError, WEBHOOK_TOKEN_MISSING } from './settings';
import { CallvoipWebhookStack } from './stack';

/**
 * The app, its one stack and the settings it was built from; the tests build it the same way.
 * No version reporting (the template carries no AWS::CDK::Metadata), and aws-cdk-lib's own
 * CloudFormation schema check only when asked: it takes most of a synth's time, and cdk-nag
 * and CloudFormation itself check the template anyway.
 */
export function buildApp(props: AppProps = {}): {
  app: App;
  stack: CallvoipWebhookStack;
  settings: Settings;
} {
  const app = new App({ analyticsReporting: false, builtinCloudFormationValidation: false, ...props });
  const settings = readSettings(app.node.getAllContext());
  const stack = new CallvoipWebhookStack(app, settings.stackName, { settings });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, settings };
}

function main(): void {
  let built: ReturnType<typeof buildApp>;
  try {
    // No autoSynth: a refused setting must not leave an empty cloud assembly behind.
    built = buildApp({
      autoSynth: false,
      builtinCloudFormationValidation: process.env.CDK_VALIDATION === 'true',
    });
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
    return;
  }
  const notes = [
    [
      built.settings.webhookTokenMissing,
      `note: ${WEBHOOK_TOKEN_MISSING} (every command but deploy works without it)`,
    ],
    [
      !built.settings.adminEnvironment.ADMIN_TOKEN_SHA256,
      'note: adminTokenSha256 is not set, so the admin API refuses every request: `npm run token -- --admin`',
    ],
  ] as const;
  for (const [applies, note] of notes) if (applies) console.error(note);
  built.app.synth();
}

if (require.main === module) main();
