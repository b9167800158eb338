/**
 * A small evaluator of IAM identity policies, enough to decide what AWS would decide for the
 * calls this project's functions make: explicit Deny before Allow, `Action`/`NotAction` and
 * `Resource`/`NotResource` with `*` and `?` globs, and the condition operators listed in
 * {@link OPERATORS} (with `IfExists` and the `ForAnyValue:`/`ForAllValues:` set qualifiers).
 * Anything it does not model (another operator, a policy variable) throws: a check that
 * silently passes what AWS would refuse is worse than none.
 */

/** One statement of a policy document, with every intrinsic already resolved to a string. */
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
  Principal?: unknown;
}

/** What a caller asks IAM: one action on one resource, with the request's condition keys. */
export interface AuthorizationRequest {
  action: string;
  resource: string;
  /** Condition keys of the request (e.g. `events:source`); a key may hold several values. */
  context?: Record<string, string | string[]>;
}

/** IAM's answer and the statement that decided it (none for an implicit deny). */
export interface Decision {
  effect: 'allow' | 'explicit-deny' | 'implicit-deny';
  statement?: PolicyStatement;
}

/** The condition operators this evaluator understands (IAM's names, without qualifiers). */
const OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Bool',
  'Null',
] as const;

/** Decides `request` against `statements` as IAM does within one account. */
export function evaluate(
  statements: readonly PolicyStatement[],
  request: AuthorizationRequest,
): Decision {
  const matching = statements.filter((s) => statementMatches(s, request));
  const deny = matching.find((s) => s.Effect === 'Deny');
  if (deny) return { effect: 'explicit-deny', statement: deny };
  const allow = matching.find((s) => s.Effect === 'Allow');
  return allow ? { effect: 'allow', statement: allow } : { effect: 'implicit-deny' };
}

/** Whether `statement` applies to `request` (its effect aside). */
export function statementMatches(
  statement: PolicyStatement,
  request: AuthorizationRequest,
): boolean {
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') {
    throw new Error(`unknown Effect ${JSON.stringify(statement.Effect)}`);
  }
  const actionOk =
    statement.Action !== undefined
      ? list(statement.Action).some((p) => globMatches(p, request.action, true))
      : statement.NotAction !== undefined
        ? !list(statement.NotAction).some((p) => globMatches(p, request.action, true))
        : fail('statement has neither Action nor NotAction');
  if (!actionOk) return false;
  const resourceOk =
    statement.Resource !== undefined
      ? list(statement.Resource).some((p) => globMatches(p, request.resource))
      : statement.NotResource !== undefined
        ? !list(statement.NotResource).some((p) => globMatches(p, request.resource))
        : fail('statement has neither Resource nor NotResource');
  if (!resourceOk) return false;
  return conditionsHold(statement.Condition ?? {}, request.context ?? {});
}

/**
 * IAM's wildcard match: `*` any run of characters, `?` any one; actions compare without
 * case, resources with it.
 */
function globMatches(pattern: string, value: string, ignoreCase = false): boolean {
  if (pattern.includes('${')) throw new Error(`policy variables are not modelled: ${pattern}`);
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

function conditionsHold(
  condition: NonNullable<PolicyStatement['Condition']>,
  context: Record<string, string | string[]>,
): boolean {
  // Every operator block must hold, and within one, every key (AND); a key's values are ORed.
  return Object.entries(condition).every(([qualifiedOperator, keys]) =>
    Object.entries(keys).every(([key, expected]) =>
      conditionHolds(qualifiedOperator, key, list(expected).map(String), context),
    ),
  );
}

function conditionHolds(
  qualifiedOperator: string,
  key: string,
  expected: string[],
  context: Record<string, string | string[]>,
): boolean {
  const parsed = /^(?:(ForAnyValue|ForAllValues):)?([A-Za-z]+?)(IfExists)?$/.exec(
    qualifiedOperator,
  );
  const operator = parsed?.[2] as (typeof OPERATORS)[number] | undefined;
  if (!parsed || !operator || !OPERATORS.includes(operator)) {
    throw new Error(`condition operator ${qualifiedOperator} is not modelled`);
  }
  const [, qualifier, , ifExists] = parsed;
  const present = Object.hasOwn(context, key) || Object.keys(context).some((k) => sameKey(k, key));
  const actual = present ? list(contextValue(context, key)) : [];
  if (operator === 'Null') {
    const wantsAbsent = expected.some((e) => e === 'true');
    return wantsAbsent ? !present : present;
  }
  if (!present) {
    // A missing key fails every operator, except when IfExists says "only if present", and
    // ForAllValues over an empty set is vacuously true (IAM's documented pitfall).
    return Boolean(ifExists) || qualifier === 'ForAllValues';
  }
  // A negated operator holds when the value matches none of the expected values.
  const one = operator.includes('Not')
    ? (value: string) => expected.every((e) => compare(operator, e, value))
    : (value: string) => expected.some((e) => compare(operator, e, value));
  if (qualifier === 'ForAllValues') return actual.every(one);
  if (qualifier === 'ForAnyValue') return actual.some(one);
  if (actual.length > 1) {
    throw new Error(
      `condition key ${key} has several values: qualify ${operator} with ForAnyValue or ForAllValues`,
    );
  }
  return one(actual[0] as string);
}

function compare(operator: (typeof OPERATORS)[number], expected: string, actual: string): boolean {
  switch (operator) {
    case 'StringEquals':
      return expected === actual;
    case 'StringNotEquals':
      return expected !== actual;
    case 'StringEqualsIgnoreCase':
      return expected.toLowerCase() === actual.toLowerCase();
    case 'StringNotEqualsIgnoreCase':
      return expected.toLowerCase() !== actual.toLowerCase();
    case 'StringLike':
    case 'ArnLike':
    case 'ArnEquals':
      // ArnEquals and ArnLike behave alike in IAM: both take wildcards.
      return globMatches(expected, actual);
    case 'StringNotLike':
    case 'ArnNotLike':
    case 'ArnNotEquals':
      return !globMatches(expected, actual);
    case 'Bool':
      return expected.toLowerCase() === actual.toLowerCase();
    case 'Null':
      throw new Error('unreachable: Null is decided by presence');
  }
}

// Condition key names compare without case in IAM.
function sameKey(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function contextValue(context: Record<string, string | string[]>, key: string): string | string[] {
  const k = Object.keys(context).find((c) => sameKey(c, key)) as string;
  return context[k] as string | string[];
}

function list<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

function fail(message: string): never {
  throw new Error(message);
}
