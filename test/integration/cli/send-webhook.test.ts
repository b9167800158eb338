import { type AddressInfo, createServer } from 'node:net';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { patchCustomer } from '../../../tools/sandbox/sandbox-client.js';
import { runCliCaptured, useDevRuntime } from '../../support/dev-fixture.js';

const SECRET = 'whsecret_send_webhook_tests';
const dev = useDevRuntime({
  customers: 10,
  seed: 20,
  table: 'send_webhook',
  webhookSecret: SECRET,
});

/** Runs `send-webhook` in process, as the CLI does. */
async function sendWebhook(env: Record<string, string | undefined>, ...args: string[]) {
  return runCliCaptured(['send-webhook', ...args], env);
}

/** A loopback port that was free a moment ago and is closed now. */
async function releasedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

const id = () => dev.sandbox.customers()[3]?.id as string;

describe('piriod-mirror send-webhook against the dev runtime', () => {
  it('signs as Piriod does: the receiver answers 200, exit 0, and the edit reaches the table', async () => {
    // The edit is made behind the receiver's back: only the command's webhook can bring it.
    await patchCustomer(dev.sandbox, id(), { manager: 'Webhook Sent By Hand' });
    const written = dev.runtime.nextWrite(id());
    const run = await sendWebhook(dev.runtime.cliEnv, id());
    expect(run.code, run.out + run.err).toBe(0);
    expect(run.out.startsWith(`customer.updated ${id()} → ${dev.runtime.webhookUrl}: 200`)).toBe(
      true,
    );
    expect(await written).toBe('updated');
    const { Item } = await dev.table.client.send(
      new GetCommand({ TableName: dev.table.tableName, Key: { id: id() } }),
    );
    expect(Item?.manager).toBe('Webhook Sent By Hand');
    expect(run.out + run.err).not.toContain(SECRET);
  });

  it('sends to --url with --secret and --event, overriding the environment', async () => {
    dev.hops.length = 0;
    const run = await sendWebhook(
      {},
      id(),
      '--url',
      dev.runtime.webhookUrl,
      '--secret',
      SECRET,
      '--event',
      'customer.created',
    );
    expect(run.code, run.out + run.err).toBe(0);
    expect(run.out).toMatch(new RegExp(`^customer\\.created ${id()} → .*: 200`));
    await dev.runtime.drained();
    expect(dev.hops).toContainEqual(expect.objectContaining({ hop: 'webhook', status: 200 }));
  });

  it('with a wrong secret: the receiver answers 401, exit 1, nothing is requested', async () => {
    dev.hops.length = 0;
    const run = await sendWebhook(
      dev.runtime.cliEnv,
      id(),
      '--secret',
      'whsecret_not_the_right_one',
    );
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/: 401 /);
    expect(run.err).toMatch(/rejected the signature/);
    expect(run.out + run.err).not.toContain('whsecret_not_the_right_one');
    expect(dev.hops.filter((h) => h.hop === 'bus')).toEqual([]);
  });

  it('exits 2 with one line naming what to set: bad id, no URL, no secret, unreachable receiver', async () => {
    const bad = await sendWebhook(dev.runtime.cliEnv, 'not-a-customer');
    expect(bad).toMatchObject({ code: 2, out: '' });
    expect(bad.err).toMatch(/"not-a-customer" is not a Piriod customer id/);

    const noUrl = await sendWebhook({ PIRIOD_WEBHOOK_SECRET: SECRET }, id());
    expect(noUrl.code).toBe(2);
    expect(noUrl.err).toMatch(/set WEBHOOK_URL .* or pass --url/);

    const noSecret = await sendWebhook({ WEBHOOK_URL: dev.runtime.webhookUrl }, id());
    expect(noSecret.code).toBe(2);
    expect(noSecret.err).toMatch(/set PIRIOD_WEBHOOK_SECRET .* or pass --secret/);

    // A loopback port just released: nothing listens, the connection is refused at once.
    const closed = `http://127.0.0.1:${await releasedPort()}/`;
    const down = await sendWebhook({ WEBHOOK_URL: closed, PIRIOD_WEBHOOK_SECRET: SECRET }, id());
    expect(down.code).toBe(2);
    expect(down.err).toContain(`could not reach ${closed} (ECONNREFUSED); check WEBHOOK_URL`);
    for (const run of [bad, noUrl, noSecret, down]) {
      expect(run.err.trimEnd().split('\n')).toHaveLength(1);
      expect(run.err).not.toContain(SECRET);
    }
  });
});
