import { describe, expect, it } from 'vitest';
import { rateMinutes } from '../../../tools/cli/doctor/ops-checks.js';
import { fail, formatResult, pass, skip } from '../../../tools/cli/doctor/result.js';

describe('doctor lines', () => {
  it('prints PASS, FAIL with its fix, and SKIP with why, one line each', () => {
    expect(formatResult(pass('piriod', 'accepted'), false)).toBe('PASS piriod — accepted\n');
    expect(formatResult(fail('webhook', 'got 401', 'set the secret'), false)).toBe(
      'FAIL webhook — got 401; fix: set the secret\n',
    );
    expect(formatResult(skip('alarms', 'no alarm topic locally'), false)).toBe(
      'SKIP alarms — no alarm topic locally\n',
    );
    // An error message with line breaks stays on its check's line.
    expect(formatResult(fail('canary', 'a\nb', 'c\r\nd'), false)).toBe(
      'FAIL canary — a b; fix: c d\n',
    );
  });

  it('prints JSON lines with check, status, detail and fix only on FAIL', () => {
    expect(JSON.parse(formatResult(pass('outputs', 'ok'), true))).toEqual({
      check: 'outputs',
      status: 'PASS',
      detail: 'ok',
    });
    expect(JSON.parse(formatResult(fail('secrets', 'unset', 'put it'), true))).toEqual({
      check: 'secrets',
      status: 'FAIL',
      detail: 'unset',
      fix: 'put it',
    });
  });

  it('reads the schedule period from EventBridge rate expressions, not crons', () => {
    expect(rateMinutes('rate(15 minutes)')).toBe(15);
    expect(rateMinutes('rate(1 minute)')).toBe(1);
    expect(rateMinutes('rate(2 hours)')).toBe(120);
    expect(rateMinutes('rate(1 day)')).toBe(1440);
    expect(rateMinutes('cron(0/15 * * * ? *)')).toBeUndefined();
    expect(rateMinutes(undefined)).toBeUndefined();
  });
});
