import { describe, expect, it } from 'vitest';
import { synthApp } from '../support/synth.js';

// No bundling: the policy is all this file checks.
const { template } = synthApp({ 'aws:cdk:bundling-stacks': [] });

type Statement = { Effect: string; Action: string | string[]; Resource: unknown[] };

describe('the consumer policy', () => {
  const policies = Object.entries(template.findResources('AWS::IAM::ManagedPolicy')).filter(
    ([id]) => id.startsWith('ConsumerPolicy'),
  ) as [string, { Properties: { PolicyDocument: { Statement: Statement[] }; Roles?: unknown } }][];

  it('is one managed policy that allows GetItem, BatchGetItem and Query, nothing else', () => {
    expect(policies).toHaveLength(1);
    const [, policy] = policies[0]!;
    const statements = policy.Properties.PolicyDocument.Statement;
    expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
    expect([...new Set(statements.flatMap((s) => s.Action))].sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:Query',
    ]);
    // Attached by consumers to their own roles, never to the stack's.
    expect(policy.Properties.Roles).toBeUndefined();
  });

  it('covers the table and its three query indexes by ARN, with no wildcard', () => {
    const [, policy] = policies[0]!;
    const resources = policy.Properties.PolicyDocument.Statement.flatMap((s) => s.Resource);
    const text = JSON.stringify(resources);
    expect(text).not.toMatch(/\*/);
    const suffixes = resources.map((r) => {
      const parts = (r as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join']?.[1];
      return parts ? parts.slice(1).join('') : '';
    });
    expect(suffixes.sort()).toEqual(
      ['', '/index/by-email', '/index/by-status-updated', '/index/by-tax-id'].sort(),
    );
    expect(text).toMatch(/CustomersTable/);
  });

  it('is output as ConsumerPolicyArn', () => {
    const [id] = policies[0]!;
    expect(template.findOutputs('ConsumerPolicyArn')).toEqual({
      ConsumerPolicyArn: expect.objectContaining({ Value: { Ref: id } }),
    });
  });
});
