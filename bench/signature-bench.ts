/**
 * The receiver's signature check on the largest body it accepts: a 64 KiB JSON object of
 * about 8,000 keys, verified as the receiver does it (rendered from the raw text, compared in
 * constant time). A figure of bench/run.ts; `tsx bench/signature-bench.ts` prints it alone.
 */
import { createHmac } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { piriodWebhookSignatures } from '../lib/piriod/signature.js';

/** The receiver's body limit (lib/lambda/webhook-request.ts). */
const MAX_BODY_BYTES = 64 * 1024;

/** A JSON object of as many short keys as fit in 64 KiB, its size, and what Piriod signs of it. */
function largestBody(): { text: string; keys: number; bytes: number; message: string } {
  const entries: string[] = [];
  let message = '';
  let bytes = 2;
  for (let i = 0; ; i++) {
    const entry = `"${i.toString(36)}":${i % 10}`;
    if (bytes + entry.length + 1 > MAX_BODY_BYTES) break;
    entries.push(entry);
    message += String(i % 10);
    bytes += entry.length + 1;
  }
  const text = `{${entries.join(',')}}`;
  return { text, keys: entries.length, bytes: Buffer.byteLength(text), message };
}

/** Median and p99 time (ms) to verify the signature of {@link largestBody}, over `runs` runs. */
export function measureSignature(runs: number) {
  const { text, keys, bytes, message } = largestBody();
  const fields = JSON.parse(text) as Record<string, unknown>;
  const secret = 'whsecret_bench';
  // Signed as Piriod does, over the values in the order sent (most keys are integer-like, which
  // JSON.parse moves first: the receiver must keep the order of the text).
  const signature = createHmac('sha256', secret).update(message).digest('hex');
  const verify = () => piriodWebhookSignatures.verify({ text, fields }, signature, secret);
  if (!verify()) throw new Error('the bench body does not verify');
  for (let k = 0; k < 5; k++) verify();
  const xs: number[] = [];
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    verify();
    xs.push(performance.now() - t0);
  }
  xs.sort((a, b) => a - b);
  const at = (p: number) => xs[Math.min(xs.length - 1, Math.floor(xs.length * p))] as number;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { bytes, keys, runs, medianMs: round(at(0.5)), p99Ms: round(at(0.99)) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(measureSignature(50))}\n`);
}
