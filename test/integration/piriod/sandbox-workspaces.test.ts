import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Sandbox,
  type SandboxChange,
  startSandbox,
} from '../../../tools/sandbox/sandbox-server.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ customers: 30, workspaces: 2 });
});
afterAll(() => sandbox.close());

const call = async (path: string, token: string, workspace: string, init: RequestInit = {}) => {
  const res = await fetch(`${sandbox.url}${path}`, {
    ...init,
    headers: {
      authorization: `Token ${token}`,
      'x-simple-workspace': workspace,
      'content-type': 'application/json',
    },
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
};
const list = async (token: string, workspace: string) =>
  (await call('/customers/?page_size=100', token, workspace)).body.results as { id: string }[];

describe('a sandbox with several workspaces', () => {
  it('keeps the default first workspace as before: acc_sandbox, its token, the page example', async () => {
    const one = await startSandbox({ customers: 5 });
    try {
      expect(one.workspaces.map((w) => w.id)).toEqual(['acc_sandbox']);
      expect(one.token).toBe('sk_test_sandbox_piriod_mirror');
      expect(one.customers()[0]?.id).toBe('cus_01H8XYZ123ABC');
    } finally {
      await one.close();
    }
    const [a, b] = sandbox.workspaces;
    expect(sandbox.workspace).toBe('acc_sandbox');
    expect([a?.id, b?.id]).toEqual(['acc_sandbox', 'acc_sandbox_2']);
    expect(a?.token).toBe('sk_test_sandbox_piriod_mirror');
    expect(b?.token).not.toBe(a?.token);
  });

  it('serves each workspace its own customers, no id shared', async () => {
    const [a, b] = sandbox.workspaces;
    if (!a || !b) throw new Error('two workspaces expected');
    const inA = await list(a.token, a.id);
    const inB = await list(b.token, b.id);
    expect(inA).toHaveLength(30);
    expect(inB).toHaveLength(30);
    const idsA = new Set(inA.map((c) => c.id));
    expect(inB.filter((c) => idsA.has(c.id))).toEqual([]);
    expect(inB.map((c) => c.id)).toEqual(b.customers().map((c) => c.id));
    // Another workspace's customer is "missing or in another workspace": 404.
    const other = await call(`/customers/${inB[0]?.id}/`, a.token, a.id);
    expect(other.status).toBe(404);
  });

  it("refuses A's token with B's workspace header with 403, as Piriod answers a wrong workspace", async () => {
    const [a, b] = sandbox.workspaces;
    if (!a || !b) throw new Error('two workspaces expected');
    const crossed = await call('/customers/', a.token, b.id);
    expect(crossed.status).toBe(403);
    expect(typeof crossed.body.detail).toBe('string');
    expect((await call('/customers/', b.token, a.id)).status).toBe(403);
  });

  it('rotates and revokes one workspace token without touching the other', async () => {
    const s = await startSandbox({ customers: 3, workspaces: 2 });
    try {
      const [a, b] = s.workspaces;
      if (!a || !b) throw new Error('two workspaces expected');
      const oldA = a.token;
      a.rotateToken('sk_test_rotated_a');
      const fetchAs = async (token: string, ws: string) =>
        (
          await fetch(`${s.url}/customers/`, {
            headers: { authorization: `Token ${token}`, 'x-simple-workspace': ws },
          })
        ).status;
      expect(await fetchAs(oldA, a.id)).toBe(401);
      expect(await fetchAs('sk_test_rotated_a', a.id)).toBe(200);
      expect(() => a.rotateToken(b.token)).toThrow(/another workspace/);
      b.revokeToken();
      expect(await fetchAs(b.token, b.id)).toBe(401);
      expect(await fetchAs('sk_test_rotated_a', a.id)).toBe(200);
      b.rotateToken('sk_test_new_b');
      expect(await fetchAs('sk_test_new_b', b.id)).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('reports which workspace changed on the change feed', async () => {
    const [a, b] = sandbox.workspaces;
    if (!a || !b) throw new Error('two workspaces expected');
    const seen: SandboxChange[] = [];
    sandbox.onChange((c) => seen.push(c));
    try {
      const id = b.customers()[1]?.id as string;
      const patched = await call(`/customers/${id}/`, b.token, b.id, {
        method: 'PATCH',
        body: JSON.stringify({ manager: 'Only In B' }),
      });
      expect(patched.status).toBe(200);
      const added = a.addCustomer({ name: 'Added In A' });
      expect(seen).toEqual([
        { event: 'customer.updated', id, workspace: 'acc_sandbox_2' },
        { event: 'customer.created', id: added.id, workspace: 'acc_sandbox' },
      ]);
      expect(a.getCustomer(id)).toBeUndefined();
      expect(sandbox.inWorkspace('acc_sandbox_2').getCustomer(id)?.manager).toBe('Only In B');
    } finally {
      sandbox.onChange(undefined);
    }
  });

  it('rejects a workspace count out of range and an unknown workspace', async () => {
    await expect(startSandbox({ workspaces: 0 })).rejects.toThrow(/from 1 to 20/);
    expect(() => sandbox.inWorkspace('acc_other')).toThrow(/does not serve/);
  });
});
