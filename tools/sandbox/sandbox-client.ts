import type { Sandbox } from './sandbox-server.js';

/**
 * Edits a customer through the sandbox's HTTP API (`PATCH /customers/{id}/`), as a user of
 * Piriod's dashboard or API would, so the change goes through every side effect a real edit
 * has (its webhook included). Returns the customer as Piriod answers it.
 *
 * @throws Error with the status when the sandbox refuses the edit.
 */
export async function patchCustomer(
  sandbox: Pick<Sandbox, 'url' | 'token' | 'workspace'>,
  id: string,
  patch: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${sandbox.url}/customers/${id}/`, {
    method: 'PATCH',
    headers: {
      authorization: `Token ${sandbox.token}`,
      'x-simple-workspace': sandbox.workspace,
      'content-type': 'application/json',
    },
    body: JSON.stringify(patch),
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`sandbox PATCH /customers/${id}/ answered ${res.status}`);
  return body;
}
