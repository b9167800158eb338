import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../../tools/local/dynamodb-local.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

describe('piriod-mirror sandbox', () => {
  it('serves the simulated API on the given port, prints its URL, token and workspace, stops on SIGINT', async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'tools/cli/main.ts',
        'sandbox',
        '--port',
        String(port),
        '--customers',
        '42',
      ],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('Press Ctrl-C')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`sandbox exited early with ${code}: ${out}`)));
    });
    expect(out).toContain(`Piriod sandbox on http://127.0.0.1:${port} with 42 customers`);
    const token = /PIRIOD_API_TOKEN=(\S+)/.exec(out)?.[1];
    const workspace = /PIRIOD_WORKSPACE=(\S+)/.exec(out)?.[1];
    const res = await fetch(`http://127.0.0.1:${port}/customers/?page_size=100`, {
      headers: { authorization: `Token ${token}`, 'x-simple-workspace': String(workspace) },
    });
    expect(((await res.json()) as { count: number }).count).toBe(42);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('rejects a bad flag value with exit 2', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'tools/cli/main.ts', 'sandbox', '--error-rate', '2'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(2);
    expect(err).toMatch(/--error-rate must be a number between 0 and 1, got "2"/);
  });
});
