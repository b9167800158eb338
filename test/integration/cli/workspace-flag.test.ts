import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookSignature } from '../../../lib/piriod/signature.js';
import { type Sandbox, startSandbox } from '../../../tools/sandbox/sandbox-server.js';
import { runCliCaptured } from '../../support/dev-fixture.js';
import { createTestTable, type TestTable } from '../../support/dynamo.js';
import { cliEnv } from '../../support/run-cli.js';

let sandbox: Sandbox;
let table: TestTable;
let env: Record<string, string>;
const B = 'acc_sandbox_2';

beforeAll(async () => {
  sandbox = await startSandbox({ customers: 12, seed: 31, workspaces: 2 });
  table = await createTestTable('cli_workspace');
  // As `npm run dev -- --workspaces 2` exports: the first workspace, and the maps.
  env = {
    ...cliEnv(sandbox, table),
    PIRIOD_REQUESTS_PER_SECOND: '0',
    PIRIOD_WORKSPACES: sandbox.workspaces.map((w) => w.id).join(','),
    PIRIOD_API_TOKENS: JSON.stringify(
      Object.fromEntries(sandbox.workspaces.map((w) => [w.id, w.token])),
    ),
    PIRIOD_WEBHOOK_SECRETS: JSON.stringify({ acc_sandbox: 'whsecret_a', [B]: 'whsecret_b' }),
  };
});
afterAll(async () => {
  await sandbox?.close();
  await table?.drop();
});

describe('--workspace W on commands that call Piriod', () => {
  it("sync --workspace mirrors W with W's token, items carrying W; verify compares each workspace on its own", async () => {
    const synced = await runCliCaptured(['--workspace', B, 'sync', '--json'], env);
    expect(synced.code, synced.err).toBe(0);
    expect(JSON.parse(synced.out)).toMatchObject({ synced: 12, created: 12, failed: [] });
    const idOfB = sandbox.inWorkspace(B).customers()[2]?.id as string;
    const item = await table.client.send(
      new GetCommand({ TableName: table.tableName, Key: { id: idOfB } }),
    );
    expect(item.Item?.workspace).toBe(B);

    const verifyB = await runCliCaptured(['verify', '--workspace', B, '--json'], env);
    expect(verifyB.code, verifyB.err).toBe(0);
    expect(JSON.parse(verifyB.out)).toEqual({ missing: [], stale: [], gone: [] });
    // The default workspace (PIRIOD_WORKSPACE) has nothing in the table yet: all missing,
    // and B's items are not "gone" from it.
    const verifyA = await runCliCaptured(['verify', '--json'], env);
    expect(verifyA.code).toBe(1);
    const drift = JSON.parse(verifyA.out);
    expect(drift.missing).toHaveLength(12);
    expect(drift.gone).toEqual([]);
  });

  it('send-webhook --workspace posts to ?workspace=W, signed with W’s secret', async () => {
    const got: { url?: string; signature?: string; body?: string }[] = [];
    const server = createServer(async (req: IncomingMessage, res) => {
      let body = '';
      for await (const c of req) body += c;
      got.push({ url: req.url, signature: String(req.headers['x-piriod-signature']), body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const id = sandbox.inWorkspace(B).customers()[0]?.id as string;
      const run = await runCliCaptured(['send-webhook', id, '--workspace', B], {
        ...env,
        WEBHOOK_URL: url,
      });
      expect(run.code, run.err).toBe(0);
      expect(got[0]?.url).toBe(`/?workspace=${B}`);
      const payload = JSON.parse(got[0]?.body ?? '{}');
      expect(got[0]?.signature).toBe(webhookSignature(payload, 'whsecret_b'));
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('refuses a workspace that PIRIOD_WORKSPACES does not list, exit 2, nothing synced', async () => {
    const run = await runCliCaptured(['sync', '--workspace', 'acc_other'], env);
    expect(run.code).toBe(2);
    expect(run.err).toBe(
      'piriod-mirror: sync: --workspace acc_other is not in PIRIOD_WORKSPACES (acc_sandbox, acc_sandbox_2)\n',
    );
  });
});
