import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { PROJECT_ROOT } from '../../bundle/options';
import { buildApp } from '../../infra/app';
import { sha256Hex } from '../../lambda/http/access';
import type { MetricTransformation } from './filter-pattern';

/** Plain tokens the tests deploy with; neither may appear anywhere in a template. */
export const STACK_WEBHOOK_TOKEN = 'stack-test-webhook-token-9f2c4a7e1b';
export const STACK_ADMIN_TOKEN = 'stack-test-admin-token-3d8e6b0c5a';

const cdkJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
  context: Record<string, unknown>;
};

const outdirs: string[] = [];
afterAll(() => {
  for (const outdir of outdirs.splice(0)) rmSync(outdir, { recursive: true, force: true });
});

/**
 * The app as `cdk synth` builds it (cdk.json's context, cdk-nag included), with the test tokens'
 * digests and `context` on top. Asset bundling is skipped unless `bundle` is set, and the
 * built-in CloudFormation validation (3 s a synth) is off; cdk-nag findings go to the
 * validation report instead of failing synth.
 */
export function testApp(context: Record<string, unknown> = {}, options: { bundle?: boolean } = {}) {
  const outdir = mkdtempSync(path.join(tmpdir(), 'cdk-test-'));
  outdirs.push(outdir);
  return buildApp({
    outdir,
    builtinCloudFormationValidation: false,
    context: {
      ...cdkJson.context,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      '@aws-cdk/core:failSynthOnValidationErrors': false,
      webhookTokenSha256: sha256Hex(STACK_WEBHOOK_TOKEN),
      adminTokenSha256: sha256Hex(STACK_ADMIN_TOKEN),
      ...context,
    },
  });
}

/** The synthesized template of the stack built with `context`. */
/** A presence sync setting as a deployment gives it in cdk.json. */
export const PRESENCE_CONTEXT = {
  companies: [
    {
      comId: 'demo',
      tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      appId: '11111111-2222-4333-8444-555555555555',
    },
  ],
};

export function testTemplate(context: Record<string, unknown> = {}): Template {
  return Template.fromStack(testApp(context).stack);
}

/** A metric filter of the stack: its pattern and what it turns a matching line into. */
export interface StackFilter {
  pattern: string;
  transformation: MetricTransformation;
}

/** The metric filters of the synthesized stack (with `context`), by metric name. */
export function stackFilters(context: Record<string, unknown> = {}): Map<string, StackFilter> {
  const resources = testTemplate(context).findResources('AWS::Logs::MetricFilter');
  const found = new Map<string, StackFilter>();
  for (const { Properties } of Object.values(resources)) {
    const { FilterPattern, MetricTransformations } = Properties as {
      FilterPattern: string;
      MetricTransformations: MetricTransformation[];
    };
    for (const transformation of MetricTransformations) {
      found.set(transformation.MetricName, { pattern: FilterPattern, transformation });
    }
  }
  return found;
}
