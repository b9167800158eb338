import type { AwsCall } from './aws-calls.js';
import type { DeployedFunction } from './deployed-functions.js';
import { evaluate, type PolicyStatement, statementMatches } from './policy-evaluator.js';

/** Every call the role does not allow, as one line naming function, action, resource and why. */
export function deniedCalls(fn: DeployedFunction, calls: readonly AwsCall[]): string[] {
  const lines = calls.flatMap((call) => {
    const decision = evaluate(fn.statements, call);
    if (decision.effect === 'allow') return [];
    const context = call.context ? ` ${JSON.stringify(call.context)}` : '';
    return [
      `${fn.name}: ${call.action} on ${call.resource}${context} (${call.origin}: ${call.why}) → ${decision.effect}`,
    ];
  });
  return [...new Set(lines)];
}

/** One action on one resource that a role's Allow statement grants. */
export interface Grant {
  action: string;
  resource: string;
  statement: PolicyStatement;
}

/**
 * The grants of a role (each action × each resource of its Allow statements) that no call in
 * `calls` uses: those a least-privilege role should not have.
 */
export function unusedGrants(fn: DeployedFunction, calls: readonly AwsCall[]): Grant[] {
  const grants = fn.statements
    .filter((s) => s.Effect === 'Allow')
    .flatMap((statement) => {
      if (statement.NotAction || statement.NotResource) {
        throw new Error(
          `${fn.name}: NotAction/NotResource in an Allow cannot be checked grant by grant`,
        );
      }
      return list(statement.Action).flatMap((action) =>
        list(statement.Resource).map((resource) => ({ action, resource, statement })),
      );
    });
  return grants.filter(
    (g) =>
      !calls.some((call) =>
        statementMatches({ ...g.statement, Action: g.action, Resource: g.resource }, call),
      ),
  );
}

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
