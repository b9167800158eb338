import { describe, expect, it } from 'vitest';
import { acknowledgements, staleAcknowledgements } from '../support/nag.js';
import { synthApp } from '../support/synth.js';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

// All four functions, and so all four roles; for one workspace and for several (a secret pair
// and a schedule per workspace).
const STACKS = {
  'one workspace': {},
  'three workspaces': { workspace: undefined, workspaces: 'acc_A,acc_B:test,acc-c' },
};
const synth = (context: Record<string, unknown>) =>
  synthApp({ publishChanges: 'true', 'aws:cdk:bundling-stacks': [], ...context });

describe.each(Object.entries(STACKS))('least privilege, %s', (_, context) => {
  it('gives no function role a wildcard action or resource, beyond its own log group’s streams and ListStreams', () => {
    const { template } = synth(context);
    const roles = template.findResources('AWS::IAM::Role');
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
      Properties: { PolicyDocument: { Statement: Statement[] }; Roles: { Ref: string }[] };
    }[];
    expect(Object.keys(roles).length).toBeGreaterThanOrEqual(4);
    for (const policy of policies) {
      for (const s of policy.Properties.PolicyDocument.Statement) {
        const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
        for (const a of actions) expect(a, 'action').not.toMatch(/\*/);
        const resources = JSON.stringify(s.Resource);
        if (actions.length === 1 && actions[0] === 'dynamodb:ListStreams') {
          // The one action IAM authorizes on "*" only (no resource-level permissions).
          expect(s.Resource).toBe('*');
        } else if (actions.every((a) => a.startsWith('logs:'))) {
          // The log group's Arn attribute ends in ":*" (its streams, named by Lambda at run time).
          expect(resources).toMatch(/"Fn::GetAtt":\[".*Logs.*","Arn"\]/);
        } else {
          expect(resources, `resource of ${actions.join(',')}`).not.toMatch(/"\*"|:\*"|\/\*"/);
        }
      }
    }
  });

  it('acknowledges only cdk-nag findings that exist, each on the construct that has it', () => {
    const { app } = synth(context);
    // Secrets Manager cannot rotate Piriod's token or webhook secret (no Piriod API for it).
    expect(acknowledgements(app).map((a) => a.rule)).toContain('AwsSolutions-SMG4');
    expect(staleAcknowledgements(app)).toEqual([]);
  });
});
