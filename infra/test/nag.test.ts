import { App, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { cdkJsonContext } from '../lib/app.js';
import { acknowledge } from '../lib/nag.js';
import { nagViolations } from './helpers.js';

/** A bucket without access logs: AwsSolutions-S1 fires on it. */
function bucketApp(ack?: (bucket: s3.Bucket) => void): App {
  const app = new App({ context: cdkJsonContext() });
  const stack = new Stack(app, 'Probe');
  const bucket = new s3.Bucket(stack, 'Bucket', { enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL });
  ack?.(bucket);
  return app;
}

const rules = (app: App) => nagViolations(app).map((v) => v.ruleName);

describe('cdk-nag acknowledgments', () => {
  it('the rule fires without an acknowledgment (so the next tests can fail)', () => {
    expect(rules(bucketApp())).toContain('AwsSolutions-S1');
  });

  it('an acknowledgment by rule id suppresses it', () => {
    expect(rules(bucketApp((b) => acknowledge(b, 'AwsSolutions-S1', 'probe bucket for this test, never deployed anywhere')))).not.toContain('AwsSolutions-S1');
  });

  it("the id as the error message prints it ('AwsSolutions::AwsSolutions-S1') does not suppress", () => {
    const app = bucketApp((b) => Validations.of(b).acknowledge({ id: 'AwsSolutions::AwsSolutions-S1', reason: 'copied from the error message' }));
    expect(rules(app)).toContain('AwsSolutions-S1');
  });

  it('cdk-nag itself accepts an empty reason; our helper refuses it', () => {
    expect(rules(bucketApp((b) => Validations.of(b).acknowledge({ id: 'AwsSolutions-S1', reason: '' })))).not.toContain('AwsSolutions-S1');
    expect(() => bucketApp((b) => acknowledge(b, 'AwsSolutions-S1', ''))).toThrow(/reason/);
  });
});
