import { describe, expect, it } from 'vitest';
import { synthApp } from '../support/synth.js';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

describe('least privilege', () => {
  it('gives no function role a wildcard action or resource, beyond its acknowledged log-stream suffix', () => {
    const { template, app } = synthApp({ 'aws:cdk:bundling-stacks': [] });
    const roles = template.findResources('AWS::IAM::Role');
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
      Properties: { PolicyDocument: { Statement: Statement[] }; Roles: { Ref: string }[] };
    }[];
    expect(Object.keys(roles).length).toBeGreaterThanOrEqual(3);
    for (const policy of policies) {
      for (const s of policy.Properties.PolicyDocument.Statement) {
        const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
        for (const a of actions) expect(a, 'action').not.toMatch(/\*/);
        const resources = JSON.stringify(s.Resource);
        if (actions.every((a) => a.startsWith('logs:'))) {
          // The log group's Arn attribute ends in ":*" (its streams); cdk-nag IAM5 is acknowledged for it.
          expect(resources).toMatch(/"Fn::GetAtt":\[".*Logs.*","Arn"\]/);
        } else {
          expect(resources, `resource of ${actions.join(',')}`).not.toMatch(/"\*"|:\*"/);
        }
      }
    }
    // The acknowledgement that covers the log-stream suffix says why.
    const acks = JSON.stringify(app.node.findAll().map((c) => c.node.metadata));
    expect(acks).toContain('log-stream suffix');
  });
});
