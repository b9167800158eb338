import { DEFAULT_RETRY_POLICY, type RetryPolicy, retry } from '../concurrency/retry.js';
import { sleep } from '../concurrency/sleep.js';
import { InvalidCustomerIdError } from '../customer/errors.js';
import { isValidCustomerId } from '../customer/ids.js';
import { parseJsonLosslessly } from '../customer/lossless-number.js';
import { isRetryable } from '../errors.js';
import { plural } from '../plural.js';
import type {
  Clock,
  CustomerPage,
  ListOptions,
  PiriodReader,
  RequestOptions,
  TokenSource,
} from '../ports.js';
import { about, pageOf, parseEnvelope, statusError } from './answers.js';
import {
  PiriodCredentialsError,
  PiriodDeadlineError,
  PiriodError,
  PiriodMalformedResponseError,
  PiriodNetworkError,
  PiriodNotFoundError,
  PiriodRetryAfterError,
  PiriodTimeoutError,
} from './errors.js';
import { DEFAULT_PACE, type PaceOptions, Pacer } from './pacer.js';

/** Connection and behaviour settings of a {@link PiriodClient}. */
export interface PiriodClientOptions {
  /** API base URL, e.g. `https://api.piriod.com`. */
  baseUrl: string;
  /**
   * API token, sent as `Authorization: Token …`; never echoed in errors. A
   * {@link TokenSource} is read before each request and re-read once when Piriod rejects
   * it, so a rotated token takes effect without a restart.
   */
  token: string | TokenSource;
  /** Workspace id, sent as `x-simple-workspace`. */
  workspace: string;
  /** Sends `x-piriod-test-mode: true` to read test-mode data. */
  testMode?: boolean;
  /** Per-attempt timeout in ms, body included. Default 10 000. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  pace?: Partial<PaceOptions>;
  /** Injected for tests: the clock, sleep and random source used by retries and pacing. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Called after every HTTP attempt, e.g. to record latency metrics. */
  onAttempt?: (attempt: AttemptInfo) => void;
}

/** What one HTTP attempt did. */
export interface AttemptInfo {
  path: string;
  attempt: number;
  status: number | undefined;
  durationMs: number;
  error: string | undefined;
}

/**
 * HTTP client for Piriod with timeouts, bounded retries (exponential backoff, full jitter,
 * `Retry-After` honoured up to a cap), client-side pacing, and typed errors.
 *
 * @example
 * const piriod = new PiriodClient({ baseUrl, token, workspace });
 * for await (const page of piriod.listCustomers()) console.log(page.results.length);
 */
export class PiriodClient implements PiriodReader {
  private readonly base: URL;
  private readonly headers: Record<string, string>;
  private readonly tokens: TokenSource;
  /** Every token used so far, redacted from anything Piriod echoes back. */
  private readonly seenTokens = new Set<string>();
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly pacer: Pacer;
  private readonly prefetch: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: PiriodClientOptions) {
    this.base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    const token = options.token;
    this.tokens =
      typeof token === 'string' ? { get: async () => token, refresh: async () => token } : token;
    this.headers = {
      'x-simple-workspace': options.workspace,
      accept: 'application/json',
      ...(options.testMode ? { 'x-piriod-test-mode': 'true' } : {}),
    };
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? sleep;
    this.random = options.random ?? Math.random;
    const pace = { ...DEFAULT_PACE, ...options.pace };
    this.pacer = new Pacer(pace, this.now, this.sleep);
    this.prefetch = pace.concurrency;
  }

  /**
   * `GET /customers/{id}/`. With `timeLeftMs`, attempts and waits are capped by the time left:
   * an attempt whose timeout would pass the deadline is not started, and a retry wait that
   * would leave no room for one is not taken.
   *
   * A 404 is an answer, not a failure: the customer is gone (or of another workspace).
   *
   * @returns the wire customer, or `undefined` when Piriod answered 404.
   * @throws PiriodDeadlineError when not even the first attempt fits in the time left.
   */
  async getCustomer(id: string, options: RequestOptions = {}): Promise<object | undefined> {
    if (!isValidCustomerId(id)) throw new InvalidCustomerIdError(id);
    const deadline = options.timeLeftMs === undefined ? undefined : this.now() + options.timeLeftMs;
    let body: unknown;
    try {
      body = await this.request(new URL(`customers/${id}/`, this.base), id, deadline);
    } catch (err) {
      if (err instanceof PiriodNotFoundError) return undefined;
      throw err;
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new PiriodMalformedResponseError(
        `Piriod GET /customers/${id}/ returned ${Array.isArray(body) ? 'an array' : typeof body}, not a customer object`,
        false,
        { customerId: id },
      );
    }
    return body;
  }

  /**
   * Pages of `GET /customers/`, in order. Once the first page's `count` tells how many pages
   * there are, the following ones are fetched ahead, up to `prefetch` at once, within the
   * client's pace (requests/s and concurrency): a page of 100 that takes Piriod 300 ms no
   * longer makes the listing wait 300 ms per page. Pages are still yielded in order, so a
   * consumer that stops between pages knows everything before that page was handed over;
   * memory is bounded by the prefetch window. A prefetched page that answers 404 (Piriod's
   * "Invalid page.") means the listing shrank while it ran: the listing ends there (the
   * sweep and the by-id fallback catch what page shifts move).
   */
  async *listCustomers(options: ListOptions = {}): AsyncGenerator<CustomerPage> {
    const pageSize = Math.min(100, Math.max(1, options.pageSize ?? 100));
    const start = Math.max(1, options.startPage ?? 1);
    const window = Math.max(1, options.prefetch ?? this.prefetch);
    const urlOf = (page: number) =>
      new URL(`customers/?page=${page}&page_size=${pageSize}`, this.base);
    const fetched = new Map<number, Promise<CustomerPage | 'gone'>>();
    const launch = (page: number, url: URL) => {
      const p = this.fetchPage(page, url, options.clock).catch((err: unknown) => {
        if (err instanceof PiriodNotFoundError && page > start) return 'gone' as const;
        throw err;
      });
      p.catch(() => {}); // surfaced when the consumer reaches this page, not before
      fetched.set(page, p);
    };
    launch(start, urlOf(start));
    let position = start;
    let lastPage = start;
    let launchedUpTo = start;
    for (;;) {
      for (let p = launchedUpTo + 1; p <= Math.min(lastPage, position + window - 1); p++) {
        launch(p, urlOf(p));
        launchedUpTo = p;
      }
      const current = await (fetched.get(position) as Promise<CustomerPage | 'gone'>);
      fetched.delete(position);
      if (current === 'gone') return;
      if (current.count !== undefined) {
        lastPage = Math.max(lastPage, Math.ceil(current.count / pageSize));
      }
      yield current;
      const next = current.nextPage;
      if (next === undefined) return;
      if (next !== position + 1) {
        // Piriod's next link is the authority: pages fetched ahead on a guess are dropped.
        fetched.clear();
        launchedUpTo = next - 1;
      }
      if (!fetched.has(next)) {
        launch(next, current.nextUrl as URL);
        launchedUpTo = Math.max(launchedUpTo, next);
      }
      lastPage = Math.max(lastPage, next);
      position = next;
    }
  }

  private async fetchPage(page: number, url: URL, clock?: Clock): Promise<CustomerPage> {
    // Taken before the request (and its pacing and retries): never fresher than the answer.
    const requestedAt = (clock ? clock.now() : new Date(this.now())).toISOString();
    const envelope = parseEnvelope(await this.request(url), url);
    const next = envelope.next === null ? undefined : this.followable(envelope.next, url);
    return {
      page,
      count: envelope.count,
      results: envelope.results,
      nextPage: next ? pageOf(next, page) : undefined,
      nextUrl: next,
      requestedAt,
    };
  }

  /** `next` is a full URL; follow it only on Piriod's own origin so the token never leaks. */
  private followable(next: string, current: URL): URL {
    let url: URL;
    try {
      url = new URL(next, current);
    } catch {
      throw new PiriodMalformedResponseError(`Piriod listing gave an unparseable next URL`, false);
    }
    if (url.origin !== this.base.origin || !url.pathname.startsWith(this.base.pathname)) {
      throw new PiriodMalformedResponseError(
        `Piriod listing's next URL points outside ${this.base.origin}; refusing to send the token there`,
        false,
      );
    }
    return url;
  }

  private async request(url: URL, customerId?: string, deadline?: number): Promise<unknown> {
    let reread = false;
    // Whether a wait of `waitMs` and then a whole attempt still end before the deadline.
    const fits = (waitMs: number) =>
      deadline === undefined || this.now() + waitMs + this.timeoutMs <= deadline;
    // Checked once the pacer lets the attempt start, since waiting for a turn takes time too.
    const paced = (send: () => Promise<unknown>) =>
      this.pacer.run(() => {
        if (!fits(0)) {
          const what = `Piriod GET ${url.pathname} was not requested`;
          const why = `an attempt (timeout ${this.timeoutMs} ms) would not finish before the invocation's deadline`;
          throw new PiriodDeadlineError(`${what}: ${why}${about(customerId)}`, { customerId });
        }
        return send();
      });
    let lastFailure: unknown;
    const oneAttempt = async (attempt: number) => {
      const token = await this.tokens.get();
      this.seenTokens.add(token);
      try {
        return await paced(() => this.attempt(url, attempt, token, customerId));
      } catch (err) {
        if (!(err instanceof PiriodCredentialsError) || reread) throw err;
        // A rotated token: re-read it once, bypassing the cache, before calling it permanent.
        // The attempt with the fresh token is the same attempt, not a retry.
        reread = true;
        const fresh = await this.tokens.refresh();
        if (fresh === token) throw err;
        this.seenTokens.add(fresh);
        return await paced(() => this.attempt(url, attempt, fresh, customerId));
      }
    };
    return retry(
      async (attempt) => {
        try {
          return await oneAttempt(attempt);
        } catch (err) {
          if (!(err instanceof PiriodDeadlineError)) lastFailure = err;
          throw err;
        }
      },
      {
        policy: this.retry,
        retryable: isRetryable,
        retryAfterMs: (err) =>
          err instanceof PiriodRetryAfterError ? err.retryAfterMs : undefined,
        mayRetry: (delayMs) => fits(delayMs),
        giveUp: (err, attempts, outOfTime) => {
          // Out of time after real failures: report the last one Piriod gave, not the refusal.
          const last = err instanceof PiriodDeadlineError && lastFailure ? lastFailure : err;
          const made = last === err ? attempts : attempts - 1;
          const noTime = outOfTime || err instanceof PiriodDeadlineError;
          if (!(last instanceof PiriodError) || !last.retryable) return last;
          if (last instanceof PiriodDeadlineError) return last;
          return last.withNote(
            noTime
              ? ` (gave up after ${plural(made, 'attempt')}: no time left for another before the invocation's deadline)`
              : ` (gave up after ${plural(made, 'attempt')})`,
          );
        },
        sleep: this.sleep,
        random: this.random,
      },
    );
  }

  private async attempt(
    url: URL,
    attempt: number,
    token: string,
    customerId?: string,
  ): Promise<unknown> {
    const path = url.pathname + url.search;
    const started = this.now();
    let status: number | undefined;
    let failure: string | undefined;
    try {
      let res: Response;
      let text: string;
      try {
        const signal = AbortSignal.timeout(this.timeoutMs);
        const headers = { ...this.headers, authorization: `Token ${token}` };
        res = await fetch(url, { headers, signal, redirect: 'manual' });
        status = res.status;
        text = await res.text();
      } catch (err) {
        throw this.transportError(err, path, customerId);
      }
      if (res.status < 200 || res.status >= 300) {
        throw statusError({
          res,
          text,
          path,
          customerId,
          now: this.now(),
          redact: (t) => this.redact(t),
        });
      }
      try {
        // Integers beyond 2^53 (metadata, tax settings) keep their exact text.
        return parseJsonLosslessly(text);
      } catch (err) {
        throw new PiriodMalformedResponseError(
          `Piriod GET ${path} answered ${res.status} with a body that is not JSON${about(customerId)}`,
          true,
          { status: res.status, customerId, cause: err },
        );
      }
    } catch (err) {
      failure = (err as Error).name;
      throw err;
    } finally {
      this.options.onAttempt?.({
        path: url.pathname,
        attempt,
        status,
        durationMs: this.now() - started,
        error: failure,
      });
    }
  }

  private transportError(err: unknown, path: string, customerId?: string): PiriodError {
    const name = (err as Error)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new PiriodTimeoutError(
        `Piriod GET ${path} did not answer within ${this.timeoutMs} ms${about(customerId)}`,
        { customerId },
      );
    }
    const cause = (err as { cause?: { code?: string } })?.cause?.code ?? (err as Error)?.message;
    return new PiriodNetworkError(
      this.redact(`cannot reach Piriod at ${this.base.origin} (${cause})${about(customerId)}`),
      { customerId },
    );
  }

  /** Removes the token from text that came from elsewhere (server bodies, causes). */
  private redact(text: string): string {
    let out = text;
    for (const token of this.seenTokens) {
      if (token.length >= 4) out = out.split(token).join('[redacted]');
    }
    return out;
  }
}
