/**
 * The ready-to-paste commands printed by `npm run dev` (after its export block) and by
 * `npm start` (its closing hints). Kept here, in one place, so that a test runs exactly what
 * a user is told to run.
 */

/** How the CLI is run from a clone (see `docs/cli.md`). */
const MIRROR = 'npm run --silent mirror --';

/**
 * Commands that read the table, bus and queues of `npm run dev`: they work in a shell where
 * its export lines were pasted. `npm start` stops its own DynamoDB Local when it ends, so its
 * hints send the user to `npm run dev` before any of these.
 */
export const PLAYGROUND_COMMANDS: readonly { command: string; note: string }[] = [
  { command: `${MIRROR} query --status active`, note: 'JSON lines' },
  { command: `${MIRROR} get cus_01H8XYZ123ABC`, note: 'the seed customer' },
  { command: `${MIRROR} doctor`, note: 'every check of a deployment, run locally' },
];

/** The value the printed PATCH writes, so the change is easy to spot in `get`. */
export const PLAYGROUND_MANAGER = 'Playground Manager';

/**
 * What `npm run dev` prints once ready, after the export block: a PATCH of a sandbox
 * customer through the sandbox's API (its webhook then carries the change to the table) and
 * a signed webhook sent with `send-webhook`. Both read the exported variables, so they work
 * as printed in the shell that pasted the block. With a real Piriod account (`sandbox`
 * false) no edit is suggested: it would change the company's data.
 */
export function devTryCommands(customerId: string, sandbox: boolean): string {
  const lines = ['Try it, in that shell:'];
  if (sandbox) {
    const body = JSON.stringify({ manager: PLAYGROUND_MANAGER });
    lines.push(
      '  # edit a customer through the sandbox API; its webhook brings the change to the table',
      `  curl -sS --fail-with-body -X PATCH "$PIRIOD_API_URL/customers/${customerId}/" -H "authorization: Token $PIRIOD_API_TOKEN" -H "x-simple-workspace: $PIRIOD_WORKSPACE" -H 'content-type: application/json' -d '${body}'`,
    );
  }
  lines.push(
    '  # send a signed webhook, as Piriod does (to WEBHOOK_URL, with PIRIOD_WEBHOOK_SECRET)',
    `  ${MIRROR} send-webhook ${customerId}`,
    '  # the stored customer',
    `  ${MIRROR} get ${customerId}`,
  );
  return `${lines.join('\n')}\n`;
}

/**
 * What `npm run dev -- --workspaces N` prints after {@link devTryCommands}: the exported
 * variables name the first workspace, and `--workspace W` points a command at another
 * (its token and webhook secret come from the exported `PIRIOD_API_TOKENS` and
 * `PIRIOD_WEBHOOK_SECRETS`).
 */
export function devWorkspaceHints(workspaces: readonly { id: string; sample: string }[]): string {
  const [first, ...others] = workspaces;
  const lines = [
    `Workspaces: ${workspaces.map((w) => w.id).join(', ')}. The exported variables name ${first?.id}; add --workspace W for another, e.g.:`,
  ];
  for (const w of others) {
    lines.push(
      `  ${MIRROR} send-webhook ${w.sample} --workspace ${w.id}   # to $WEBHOOK_URL?workspace=${w.id}, signed with its secret`,
      `  ${MIRROR} verify --workspace ${w.id}`,
      `  ${MIRROR} doctor --workspace ${w.id}`,
    );
  }
  lines.push(
    "  # Piriod's webhook endpoint of workspace W is $WEBHOOK_URL?workspace=W; the table holds every workspace (items carry workspace)",
  );
  return `${lines.join('\n')}\n`;
}

/** `npm start`'s closing hints: every command in it works where it says to run it. */
export function startHints(): string {
  const width = Math.max(...PLAYGROUND_COMMANDS.map((c) => c.command.length)) + 2;
  return [
    'Go further (this demo stopped its DynamoDB Local and sandbox as it ended):',
    '  npm run dev            # keeps DynamoDB Local, the sandbox and the flow running; prints export lines',
    '  then, in another shell where those lines were pasted:',
    ...PLAYGROUND_COMMANDS.map(({ command, note }) => `    ${command.padEnd(width)}# ${note}`),
    '  npm run dev -- --demo  # webhook → bus → queue → table latency, then exits',
    '  PIRIOD_API_TOKEN=sk_live_… PIRIOD_WORKSPACE=acc_… npm start  # your real account',
    '  npm test · npm run bench · npm run synth',
    '',
  ].join('\n');
}
