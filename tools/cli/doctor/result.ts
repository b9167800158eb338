/** The checks of `doctor`, in the order they run and print (a contract). */
export const CHECKS = [
  'outputs',
  'secrets',
  'piriod',
  'webhook',
  'canary',
  'dead-letters',
  'alarms',
  'full-mirror',
] as const;

/** One of {@link CHECKS}. */
export type CheckName = (typeof CHECKS)[number];

/** What a check found: `fix` says what to do when it failed. */
export type CheckResult =
  | { check: CheckName; status: 'PASS'; detail: string }
  | { check: CheckName; status: 'FAIL'; detail: string; fix: string }
  | { check: CheckName; status: 'SKIP'; detail: string };

/** Builders that read like the output: `pass('piriod', '…')`. */
export const pass = (check: CheckName, detail: string): CheckResult => ({
  check,
  status: 'PASS',
  detail,
});
export const fail = (check: CheckName, detail: string, fix: string): CheckResult => ({
  check,
  status: 'FAIL',
  detail,
  fix,
});
export const skip = (check: CheckName, detail: string): CheckResult => ({
  check,
  status: 'SKIP',
  detail,
});

/** The line `doctor` prints: `PASS <check> — …`, `FAIL <check> — …; fix: …`, `SKIP <check> — why`. */
export function formatResult(r: CheckResult, json: boolean): string {
  if (json) return `${JSON.stringify(r)}\n`;
  const fix = r.status === 'FAIL' ? `; fix: ${r.fix}` : '';
  return `${r.status} ${r.check} — ${oneLine(r.detail)}${oneLine(fix)}\n`;
}

/** Keeps a result on its line, whatever an error message holds. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}
