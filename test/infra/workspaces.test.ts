import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { STACK_OUTPUTS } from '../../infra/stack-outputs.js';
import { MAX_WORKSPACES } from '../../lib/customer/workspaces.js';
import { staleAcknowledgements } from '../support/nag.js';
import { STATEFUL_LOGICAL_IDS } from '../support/pinned-logical-ids.js';
import { synthApp } from '../support/synth.js';

/*
 * One deployment mirroring several Piriod workspaces (issue 21): per workspace a schedule,
 * a token secret, a webhook secret and a stalled-mirror alarm; one of everything else.
 */

// No bundling: these tests read the template, not the functions' code. The helper's default
// `workspace` is dropped, as a deploy with `-c workspaces=…` would not pass it.
const synthWith = (context: Record<string, unknown>) =>
  synthApp({ workspace: undefined, 'aws:cdk:bundling-stacks': [], ...context });
const THREE = 'acc_A,acc_B:test,acc-c';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties are untyped JSON.
type Resource = { Type: string; Properties: Record<string, any> };
const resources = (template: Template, type: string) =>
  Object.entries(template.findResources(type)) as [string, Resource][];
const fn = (template: Template, prefix: string): Resource => {
  const found = resources(template, 'AWS::Lambda::Function').find(([id]) => id.startsWith(prefix));
  if (!found) throw new Error(`no function ${prefix}`);
  return found[1];
};
const policy = (template: Template, prefix: string) => {
  const found = resources(template, 'AWS::IAM::Policy').find(([id]) => id.startsWith(prefix));
  if (!found) throw new Error(`no policy ${prefix}`);
  return found[1].Properties.PolicyDocument.Statement as {
    Action: string | string[];
    Resource: unknown;
  }[];
};
/** The secrets a role may read, by logical id. */
const readableSecrets = (template: Template, prefix: string) =>
  policy(template, prefix)
    .filter((s) => String(s.Action) === 'secretsmanager:GetSecretValue')
    .flatMap((s) => ([] as { Ref: string }[]).concat(s.Resource as { Ref: string }))
    .map((r) => r.Ref)
    .sort();

describe('a stack for three workspaces', () => {
  const { template, app } = synthWith({ workspaces: THREE });
  const secretIds = resources(template, 'AWS::SecretsManager::Secret').map(([id]) => id);
  const tokenSecrets = secretIds.filter((id) => id.startsWith('ApiTokenSecret')).sort();
  const webhookSecrets = secretIds.filter((id) => id.startsWith('WebhookSecret')).sort();

  it('has one of everything shared: table, bus, two queues, each function once, one dashboard', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.resourceCountIs('AWS::SQS::Queue', 2);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    expect(
      resources(template, 'AWS::Lambda::Function')
        .map(([id]) => id.replace(/Function.*/, ''))
        .sort(),
    ).toEqual(['FullMirror', 'ReceiveWebhook', 'RefreshCustomers']);
  });

  it('has three schedule rules, each sending full-mirror a Scheduled Event that names its workspace', () => {
    const schedules = resources(template, 'AWS::Events::Rule').filter(
      ([, r]) => r.Properties.ScheduleExpression,
    );
    expect(schedules).toHaveLength(3);
    const fullMirrorId = resources(template, 'AWS::Lambda::Function').find(([id]) =>
      id.startsWith('FullMirror'),
    )![0];
    const inputs = schedules.map(([, r]) => {
      expect(r.Properties.ScheduleExpression).toBe('rate(15 minutes)');
      expect(r.Properties.Targets).toHaveLength(1);
      expect(r.Properties.Targets[0].Arn).toEqual({ 'Fn::GetAtt': [fullMirrorId, 'Arn'] });
      return JSON.parse(r.Properties.Targets[0].Input);
    });
    // In the list's order, as the template holds them.
    expect(inputs).toEqual(
      ['acc_A', 'acc_B', 'acc-c'].map((workspace) => ({
        'detail-type': 'Scheduled Event',
        detail: { workspace },
      })),
    );
  });

  it('has six secrets, a token and a webhook secret per workspace, all retained', () => {
    expect(secretIds).toHaveLength(6);
    expect(tokenSecrets).toHaveLength(3);
    expect(webhookSecrets).toHaveLength(3);
    for (const [, s] of resources(template, 'AWS::SecretsManager::Secret')) {
      // Each names its workspace, but the first webhook secret keeps its deployed description.
      expect(s.Properties.Description).toMatch(
        /workspace acc(_A|_B|-c)\b|^Signing secret \(whsecret_…\) of the Piriod webhook; /,
      );
    }
    const retained = Object.values(
      template.toJSON().Resources as Record<string, { Type: string; DeletionPolicy?: string }>,
    ).filter((r) => r.Type === 'AWS::SecretsManager::Secret' && r.DeletionPolicy === 'Retain');
    expect(retained).toHaveLength(6);
  });

  it('keeps the first workspace on the one-workspace logical ids and outputs', () => {
    const ids = Object.keys(template.toJSON().Resources);
    for (const what of ['apiTokenSecret', 'webhookSecret', 'scheduleRule'] as const)
      expect(ids, what).toContain(STATEFUL_LOGICAL_IDS[what]);
    template.hasOutput('ApiTokenSecretArn', {
      Value: { Ref: STATEFUL_LOGICAL_IDS.apiTokenSecret },
    });
    template.hasOutput('WebhookSecretArn', { Value: { Ref: STATEFUL_LOGICAL_IDS.webhookSecret } });
    template.hasOutput('ScheduleRuleName', { Value: { Ref: STATEFUL_LOGICAL_IDS.scheduleRule } });
    const rule = template.toJSON().Resources[STATEFUL_LOGICAL_IDS.scheduleRule];
    expect(JSON.parse(rule.Properties.Targets[0].Input).detail).toEqual({ workspace: 'acc_A' });
  });

  it('names the other workspaces’ secrets by their workspace id, so order among them does not matter', () => {
    const reordered = synthWith({ workspaces: 'acc_A,acc-c,acc_B:test' }).template;
    const again = resources(reordered, 'AWS::SecretsManager::Secret').map(([id]) => id);
    expect(again.sort()).toEqual([...secretIds].sort());
    expect(tokenSecrets.filter((id) => id !== STATEFUL_LOGICAL_IDS.apiTokenSecret)).toEqual([
      expect.stringMatching(/^ApiTokenSecretaccB/),
      expect.stringMatching(/^ApiTokenSecretaccc/),
    ]);
  });

  it('sets the functions’ environment as the contract says: the list and JSON maps of secret ARNs', () => {
    const mapOf = (ids: string[]) =>
      // Stack.toJsonString: the ARNs are resolved at deploy time inside a JSON object.
      Object.fromEntries(
        ['acc_A', 'acc_B', 'acc-c'].map((w) => [
          w,
          ids.find((id) =>
            w === 'acc_A'
              ? id === STATEFUL_LOGICAL_IDS.apiTokenSecret ||
                id === STATEFUL_LOGICAL_IDS.webhookSecret
              : id.includes(w.replace(/[^A-Za-z0-9]/g, '')),
          ),
        ]),
      );
    const resolve = (v: unknown): string => {
      if (typeof v === 'string') return v;
      const o = v as { Ref?: string; 'Fn::Join'?: [string, unknown[]] };
      if (o.Ref) return `<${o.Ref}>`;
      if (o['Fn::Join']) return o['Fn::Join'][1].map(resolve).join(o['Fn::Join'][0]);
      throw new Error(`unexpected ${JSON.stringify(v)}`);
    };
    const envOf = (prefix: string) =>
      fn(template, prefix).Properties.Environment.Variables as Record<string, unknown>;
    const refs = (m: Record<string, string | undefined>) =>
      Object.fromEntries(Object.entries(m).map(([k, v]) => [k, `<${v}>`]));
    for (const name of ['FullMirror', 'RefreshCustomers']) {
      const env = envOf(name);
      expect(env.PIRIOD_WORKSPACES, name).toBe(THREE);
      expect(JSON.parse(resolve(env.PIRIOD_API_TOKEN_SECRET_ARNS)), name).toEqual(
        refs(mapOf(tokenSecrets)),
      );
      expect(env, name).not.toHaveProperty('PIRIOD_WEBHOOK_SECRET_ARNS');
    }
    const receiver = envOf('ReceiveWebhook');
    expect(receiver.PIRIOD_WORKSPACES).toBe(THREE);
    expect(JSON.parse(resolve(receiver.PIRIOD_WEBHOOK_SECRET_ARNS))).toEqual(
      refs(mapOf(webhookSecrets)),
    );
    expect(receiver).not.toHaveProperty('PIRIOD_API_TOKEN_SECRET_ARNS');
    for (const name of ['FullMirror', 'RefreshCustomers', 'ReceiveWebhook']) {
      for (const gone of [
        'PIRIOD_WORKSPACE',
        'PIRIOD_TEST_MODE',
        'PIRIOD_API_TOKEN_SECRET_ARN',
        'PIRIOD_WEBHOOK_SECRET_ARN',
      ])
        expect(envOf(name), `${name} ${gone}`).not.toHaveProperty(gone);
    }
  });

  it('lets full-mirror and the worker read every token secret, and the receiver every webhook secret', () => {
    expect(readableSecrets(template, 'FullMirror')).toEqual(tokenSecrets);
    expect(readableSecrets(template, 'RefreshCustomers')).toEqual(tokenSecrets);
    expect(readableSecrets(template, 'ReceiveWebhook')).toEqual(webhookSecrets);
  });

  it('reserves two full-mirrors per workspace plus one, and says the account concurrency that needs', () => {
    // Per workspace its cycle and a tick that finds it running; one for a continuation's hand-over.
    expect(fn(template, 'FullMirror').Properties.ReservedConcurrentExecutions).toBe(7);
    const infos = app.node
      .findAll()
      .flatMap((c) => c.node.metadata)
      .map((m) => String(m.data));
    // 100 unreserved + 7 full-mirror + 2 worker + 10 receiver.
    expect(infos.some((m) => /account's Lambda concurrency must be at least 119/.test(m))).toBe(
      true,
    );
  });

  it('alarms on a stale mirror once per workspace, each on that workspace’s MirrorStaleness', () => {
    const stale = resources(template, 'AWS::CloudWatch::Alarm').filter(([, a]) =>
      String(a.Properties.AlarmDescription).startsWith('No full mirror of workspace'),
    );
    expect(stale).toHaveLength(3);
    const dims = stale.map(([, a]) => {
      const metrics = a.Properties.Metrics as {
        Id: string;
        MetricStat?: { Metric: { Dimensions: { Name: string; Value: string }[] } };
      }[];
      const staleness = metrics.find((m) => m.Id === 'staleness')?.MetricStat?.Metric;
      return Object.fromEntries((staleness?.Dimensions ?? []).map((d) => [d.Name, d.Value]));
    });
    expect(dims).toEqual(
      ['acc_A', 'acc_B', 'acc-c'].map((w) => ({ service: 'full-mirror', Workspace: w })),
    );
    for (const [, a] of stale) {
      expect(a.Properties).toMatchObject({ TreatMissingData: 'breaching' });
      expect(a.Properties.AlarmActions).toHaveLength(1);
    }
  });

  it('shows each workspace’s full mirror on the dashboard, and the worker’s outcomes across workspaces', () => {
    const [, dashboard] = resources(template, 'AWS::CloudWatch::Dashboard')[0]!;
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const w of ['acc_A', 'acc_B', 'acc-c']) {
      expect(body).toContain(`Full mirror outcomes (${w})`);
      expect(body).toContain(`Full mirror cycles (${w})`);
    }
    // Worker metrics carry {service, Workspace}: a SEARCH on that schema finds every workspace's.
    expect(body).toContain("SEARCH('{PiriodMirror,Workspace,service} service=");
    expect(body).toContain('refresh-customers');
  });

  it('outputs JSON maps of the secrets’ ARNs by workspace, beside the one-workspace outputs', () => {
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual([...STACK_OUTPUTS].sort());
    const joined = (name: string) =>
      JSON.stringify(template.findOutputs(name)[name]?.Value ?? null);
    for (const id of tokenSecrets) expect(joined('ApiTokenSecretArns')).toContain(id);
    for (const id of webhookSecrets) expect(joined('WebhookSecretArns')).toContain(id);
  });

  it('passes cdk-nag with no stale acknowledgement (one SMG4 per secret)', () => {
    // synthApp already threw on an unacknowledged finding.
    expect(staleAcknowledgements(app)).toEqual([]);
  });
});

describe('a one-workspace stack (-c workspace=…)', () => {
  const { template } = synthWith({ workspace: 'acc_one', testMode: 'true' });

  it('is the list of one: its test mode in PIRIOD_WORKSPACES, one schedule with its input, two secrets', () => {
    expect(fn(template, 'FullMirror').Properties.Environment.Variables.PIRIOD_WORKSPACES).toBe(
      'acc_one:test',
    );
    const schedules = resources(template, 'AWS::Events::Rule').filter(
      ([, r]) => r.Properties.ScheduleExpression,
    );
    expect(schedules.map(([id]) => id)).toEqual([STATEFUL_LOGICAL_IDS.scheduleRule]);
    expect(JSON.parse(schedules[0]![1].Properties.Targets[0].Input)).toEqual({
      'detail-type': 'Scheduled Event',
      detail: { workspace: 'acc_one' },
    });
    expect(
      resources(template, 'AWS::SecretsManager::Secret')
        .map(([id]) => id)
        .sort(),
    ).toEqual([STATEFUL_LOGICAL_IDS.apiTokenSecret, STATEFUL_LOGICAL_IDS.webhookSecret].sort());
  });

  it('is what -c workspaces=… with the same one workspace synthesizes', () => {
    const listed = synthWith({ workspaces: 'acc_one:test' }).template.toJSON();
    expect(listed).toEqual(template.toJSON());
  });
});

describe('the workspace context', () => {
  it.each([
    ['an invalid id', { workspaces: 'acc_A,not an id' }, /^context workspaces has "not an id"/],
    ['a duplicate', { workspaces: 'acc_A,acc_B,acc_A' }, /^context workspaces names acc_A twice/],
    ['an empty list', { workspaces: '' }, /^context workspaces is empty/],
    ['an empty entry', { workspaces: 'acc_A,,acc_B' }, /^context workspaces has an empty entry/],
    [
      'too many',
      {
        workspaces: Array.from({ length: MAX_WORKSPACES + 1 }, (_, i) => `acc_${i}`).join(','),
      },
      new RegExp(`^context workspaces names ${MAX_WORKSPACES + 1} workspaces`),
    ],
    [
      'both keys',
      { workspace: 'acc_A', workspaces: 'acc_A,acc_B' },
      /^context workspace and workspaces are both given/,
    ],
    [
      'testMode beside a list',
      { workspaces: 'acc_A,acc_B', testMode: 'true' },
      /^context testMode applies to workspace=…; with workspaces=… mark each test-mode workspace as acc_X:test/,
    ],
    ['an invalid single id', { workspace: 'acc A' }, /^context workspace is not a workspace id/],
    [
      'a list under the single key',
      { workspace: 'acc_A,acc_B' },
      /^context workspace names one workspace: for several, use -c workspaces=acc_A,acc_B$/,
    ],
  ])('stops the synth on %s with a message naming the key', (_, context, message) => {
    expect(() => synthWith(context)).toThrow(message);
  });
});

describe('Lambda’s 4 KB of environment', () => {
  it(`fits the functions’ environment with ${MAX_WORKSPACES} workspaces of the longest ids, in the longest partition and region`, () => {
    const ids = Array.from(
      { length: MAX_WORKSPACES },
      (_, i) => `${`acc_${String(i).padStart(2, '0')}`.padEnd(64, 'x')}:test`,
    );
    const { template } = synthWith({ workspaces: ids.join(',') });
    const types = Object.fromEntries(
      Object.entries(template.toJSON().Resources as Record<string, { Type: string }>).map(
        ([id, r]) => [id, r.Type],
      ),
    );
    // What each reference resolves to at the longest: a secret ARN is its CloudFormation name
    // (logical id, "-", 12 random characters) plus Secrets Manager's "-" and 6 characters; any
    // other reference (table, bus, queue URL) at most a queue URL of a generated name.
    const worst = (v: unknown): string => {
      if (typeof v === 'string') return v;
      const o = v as { Ref?: string; 'Fn::Join'?: [string, unknown[]] };
      if (o.Ref && types[o.Ref] === 'AWS::SecretsManager::Secret')
        return `arn:aws-us-gov:secretsmanager:ap-southeast-5:123456789012:secret:${o.Ref}-${'x'.repeat(12)}-${'x'.repeat(6)}`;
      if (o.Ref)
        return `https://sqs.ap-southeast-5.amazonaws.com/123456789012/PiriodMirror-${o.Ref}-${'x'.repeat(13)}`;
      if (o['Fn::Join']) return o['Fn::Join'][1].map(worst).join(o['Fn::Join'][0]);
      throw new Error(`unexpected ${JSON.stringify(v)}`);
    };
    const sizes = resources(template, 'AWS::Lambda::Function').map(([id, f]) => {
      const env = Object.fromEntries(
        Object.entries(f.Properties.Environment.Variables as Record<string, unknown>).map(
          ([k, v]) => [k, worst(v)],
        ),
      );
      // Lambda measures the variables as one JSON object ("String measured: {…}").
      return [id, Buffer.byteLength(JSON.stringify(env))] as const;
    });
    expect(sizes).toHaveLength(3);
    // Room left for an apiUrl longer than the default.
    for (const [id, size] of sizes) expect(size, id).toBeLessThanOrEqual(4096 - 256);
  });
});

describe('an upgrade from one workspace to several', () => {
  it("leaves the first workspace's secrets exactly as deployed (same ids, same properties)", () => {
    const one = synthWith({ workspace: 'acc_A' }).template;
    const several = synthWith({ workspaces: 'acc_A,acc_B' }).template;
    for (const id of [STATEFUL_LOGICAL_IDS.apiTokenSecret, STATEFUL_LOGICAL_IDS.webhookSecret]) {
      const before = one.toJSON().Resources[id];
      expect(before, id).toBeDefined();
      expect(several.toJSON().Resources[id], id).toEqual(before);
    }
  });
});
