import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cdkSynthArgs, stackNameOf, synthSummary } from '../../infra/synth-summary.js';

describe('npm run synth', () => {
  it('prints a summary of the template (resources by type, outputs, where it is), not the YAML', () => {
    const text = synthSummary(
      'PiriodMirror',
      {
        Resources: {
          A: { Type: 'AWS::Lambda::Function' },
          B: { Type: 'AWS::Lambda::Function' },
          C: { Type: 'AWS::DynamoDB::GlobalTable' },
        },
        Outputs: { TableName: {}, EventBusName: {} },
      },
      'cdk.out/PiriodMirror.template.json',
    );
    expect(text).toBe(
      [
        'Synthesized PiriodMirror: 3 resources, 2 outputs.',
        '    2 AWS::Lambda::Function',
        '    1 AWS::DynamoDB::GlobalTable',
        'Outputs: TableName, EventBusName',
        'Template: cdk.out/PiriodMirror.template.json (as YAML: npx cdk synth -c synthOnly=true)',
        '',
      ].join('\n'),
    );
  });

  it('names the workspaces the stack mirrors, from the functions’ PIRIOD_WORKSPACES', () => {
    const fn = (workspaces: string) => ({
      Type: 'AWS::Lambda::Function',
      Properties: { Environment: { Variables: { PIRIOD_WORKSPACES: workspaces } } },
    });
    const lines = (workspaces: string) =>
      synthSummary('PiriodMirror', { Resources: { F: fn(workspaces) } }, 't.json').split('\n');
    expect(lines('acc_A,acc_B:test,acc_C')[1]).toBe(
      'Workspaces (3): acc_A, acc_B (test mode), acc_C',
    );
    expect(lines('acc_REPLACE_ME')[1]).toBe(
      'Workspaces (1): acc_REPLACE_ME — a placeholder: deploy with -c workspace=acc_… or -c workspaces=acc_A,acc_B',
    );
  });

  it('is what the script runs: cdk synth quiet with the arguments given, then the summary', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    // The function bundles first: the app deploys them as they are.
    expect(pkg.scripts.synth).toBe(
      'npm run --silent build:functions && tsx infra/synth-summary.ts',
    );
    // npm run synth -- -c workspaces=… : the context reaches cdk, not only the summary.
    expect(cdkSynthArgs(['-c', 'workspaces=acc_A,acc_B:test'])).toEqual([
      'cdk',
      'synth',
      '-q',
      '-c',
      'synthOnly=true',
      '-c',
      'workspaces=acc_A,acc_B:test',
    ]);
  });

  it('summarizes the stack -c stackName names, PiriodMirror by default', () => {
    expect(stackNameOf([])).toBe('PiriodMirror');
    expect(stackNameOf(['-c', 'workspace=acc_A', '-c', 'stackName=PiriodMirrorStaging'])).toBe(
      'PiriodMirrorStaging',
    );
    expect(stackNameOf(['--context', 'stackName=Prod'])).toBe('Prod');
  });
});
