import type { Env } from '../../../lib/env-variables.js';
import type { DoctorClients } from '../compose/doctor-clients.js';
import type { Deployment } from './deployment.js';
import type { CheckName, CheckResult } from './result.js';

/** What the checks share: settings, clients, and what earlier checks found. */
export interface DoctorContext {
  env: Env;
  deployment: Deployment;
  clients: DoctorClients;
  /** The Piriod workspace (`--workspace`, else `PIRIOD_WORKSPACE`). */
  workspace?: string;
  testMode: boolean;
  /** How long the canary may take, in ms. */
  canaryTimeoutMs: number;
  /** The schedule period in minutes when no schedule rule can be read. */
  scheduleMinutes?: number;
  now: () => Date;
  /** Results so far, by check: a check whose input failed says SKIP. */
  results: Map<CheckName, CheckResult>;
  /** The token and webhook secret, once the `secrets` check read them (never printed). */
  token?: string;
  webhookSecret?: string;
  /** The first customer of Piriod's page 1, once `piriod` listed it (`null`: none). */
  firstCustomerId?: string | null;
}

/** The first of `checks` that did not pass, for a SKIP that says why. */
export function blockedBy(ctx: DoctorContext, ...checks: CheckName[]): CheckName | undefined {
  return checks.find((c) => ctx.results.get(c)?.status !== 'PASS');
}

/** How long ago an ISO instant was, for people: `42 s`, `7 min`, `3.5 h`. */
export function ago(iso: string, now: Date): string {
  const s = Math.max(0, (now.getTime() - Date.parse(iso)) / 1000);
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}
