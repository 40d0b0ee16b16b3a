// Asks a domain's mail servers whether they would take mail for an address, the way a
// sending server starts a delivery: banner, EHLO (HELO if refused), MAIL FROM, RCPT TO —
// with SMTPUTF8 (RFC 6531) for a local part beyond ASCII —
// and then stops. It never sends DATA, so no message is ever delivered. A second RCPT
// for a made-up address at the same domain tells a catch-all server (which accepts
// everyone) from one that really knows the mailbox.
//
// Greylisting (450/451/452) is waited out once; a server that cannot be reached is
// skipped for the next MX by preference. When no server answers on the SMTP port at
// all, the likeliest cause is this network blocking outbound port 25 (most home and
// cloud networks do), and the verdict says so.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import type { EmailStatus } from './types';

export interface ProbeOptions {
  port: number;
  heloName: string;
  probeSender: string;
  /** per connect and per reply */
  timeoutMs: number;
  /** wait before the one retry after a greylisting answer */
  greylistRetryMs: number;
  /** the address to connect to for a mail host's name (DNS through the configured servers) */
  resolveHost?: (host: string) => Promise<string>;
  signal: AbortSignal;
}

export interface ProbeResult {
  status: EmailStatus;
  reason: string;
  /** the server that gave the answer (or the last one tried) */
  mx: string | null;
  /** whether a server answered the RCPT question (a verdict that cost a check) */
  checked: boolean;
}

interface Reply {
  code: number;
  text: string;
}

/** Why a session ended without a RCPT answer; `reachable` false means no TCP connection at all. */
class SessionError extends Error {
  constructor(
    message: string,
    readonly reachable: boolean,
  ) {
    super(message);
  }
}

/** One SMTP conversation: a socket, a reply reader that understands multi-line replies. */
class SmtpSession {
  private buffer = '';
  private lines: string[] = [];
  private waiting: (() => void) | null = null;
  private closed: Error | null = null;

  private constructor(
    private readonly socket: net.Socket,
    private readonly host: string,
    private readonly timeoutMs: number,
  ) {
    // Replies are read as UTF-8 (an SMTPUTF8 server may echo the address); commands are
    // written as UTF-8, which is ASCII for every address without SMTPUTF8.
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let nl = this.buffer.indexOf('\n');
      while (nl >= 0) {
        this.lines.push(this.buffer.slice(0, nl).replace(/\r$/, ''));
        this.buffer = this.buffer.slice(nl + 1);
        nl = this.buffer.indexOf('\n');
      }
      this.wake();
    });
    socket.on('error', (error) => {
      this.closed = error;
      this.wake();
    });
    socket.on('close', () => {
      this.closed ??= new Error('connection closed');
      this.wake();
    });
  }

  /** `host` names the server in messages; `target` is what to connect to (its address). */
  static connect(
    host: string,
    target: string,
    port: number,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<SmtpSession> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: target, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new SessionError(
            `${host} did not accept a connection on port ${port} within ${seconds(timeoutMs)}`,
            false,
          ),
        );
      }, timeoutMs);
      const onAbort = () => {
        clearTimeout(timer);
        socket.destroy();
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once('connect', () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        socket.removeAllListeners('error');
        resolve(new SmtpSession(socket, host, timeoutMs));
      });
      socket.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        reject(
          new SessionError(
            `${host} refused the connection on port ${port} (${error.code ?? error.message})`,
            false,
          ),
        );
      });
    });
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = null;
    w?.();
  }

  /** The next complete reply (the last line of a multi-line one is "NNN text"). */
  async read(signal: AbortSignal): Promise<Reply> {
    const deadline = Date.now() + this.timeoutMs;
    const collected: string[] = [];
    for (;;) {
      while (this.lines.length > 0) {
        const line = this.lines.shift() as string;
        const match = /^(\d{3})([ -]?)(.*)$/.exec(line);
        if (!match) throw new SessionError(`${this.host} sent something that is not SMTP`, true);
        collected.push(match[3] as string);
        if (match[2] !== '-') return { code: Number(match[1]), text: collected.join(' ').trim() };
      }
      if (signal.aborted) throw signal.reason;
      if (this.closed) throw new SessionError(`${this.host} closed the connection`, true);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new SessionError(`${this.host} did not answer within ${seconds(this.timeoutMs)}`, true);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        const onAbort = () => resolve();
        signal.addEventListener('abort', onAbort, { once: true });
        this.waiting = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
      });
    }
  }

  async command(line: string, signal: AbortSignal): Promise<Reply> {
    if (this.closed) throw new SessionError(`${this.host} closed the connection`, true);
    this.socket.write(`${line}\r\n`);
    return this.read(signal);
  }

  /** QUIT without waiting long for the goodbye; the socket goes either way. */
  async quit(): Promise<void> {
    if (!this.closed) {
      this.socket.write('QUIT\r\n');
      this.socket.end();
    }
    this.socket.destroy();
  }
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

const REJECT_USER = new Set([550, 551, 553]);
// biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range, on purpose
const NON_ASCII = /[^\x00-\x7f]/;
const GREYLIST = new Set([450, 451, 452]);

/** A 55x that is about us (a blocklist, a policy) rather than about the mailbox. */
function isPolicyRefusal(reply: Reply): boolean {
  return (
    /\b5\.7\.\d+\b/.test(reply.text) ||
    /\b(block|blacklist|blocklist|spamhaus|policy|reputation|denied)/i.test(reply.text)
  );
}

type Attempt = { kind: 'answer'; result: ProbeResult } | { kind: 'greylisted'; reply: Reply };

/** One full session with one host: the RCPT answer, or greylisting, or a SessionError. */
async function session(address: string, domain: string, host: string, opts: ProbeOptions): Promise<Attempt> {
  const target = opts.resolveHost ? await opts.resolveHost(host) : host;
  const s = await SmtpSession.connect(host, target, opts.port, opts.timeoutMs, opts.signal);
  const brief = (r: Reply) => `${r.code} ${r.text}`.slice(0, 200);
  try {
    const banner = await s.read(opts.signal);
    if (banner.code !== 220)
      throw new SessionError(`${host} does not take connections now (${brief(banner)})`, true);
    let hello = await s.command(`EHLO ${opts.heloName}`, opts.signal);
    // An EHLO reply lists the server's extensions; a server that only knows HELO has none.
    const extended = hello.code === 250;
    if (!extended) hello = await s.command(`HELO ${opts.heloName}`, opts.signal);
    if (hello.code !== 250) throw new SessionError(`${host} refused our greeting (${brief(hello)})`, true);
    // A local part beyond ASCII travels only with SMTPUTF8 (RFC 6531); a server without it
    // cannot take mail for such an address from anyone, so asking it would mean nothing.
    const utf8 = NON_ASCII.test(address);
    if (utf8 && !(extended && /\bSMTPUTF8\b/i.test(hello.text))) {
      return {
        kind: 'answer',
        result: {
          status: 'invalid',
          reason: `${host} cannot receive mail for an internationalised address: it does not offer SMTPUTF8 (RFC 6531).`,
          mx: host,
          checked: true,
        },
      };
    }
    const from = await s.command(`MAIL FROM:<${opts.probeSender}>${utf8 ? ' SMTPUTF8' : ''}`, opts.signal);
    if (GREYLIST.has(from.code)) return { kind: 'greylisted', reply: from };
    if (from.code !== 250) throw new SessionError(`${host} refused our sender (${brief(from)})`, true);
    const rcpt = await s.command(`RCPT TO:<${address}>`, opts.signal);
    if (rcpt.code === 250 || rcpt.code === 251) {
      const probe = `rowsmith-check-${randomBytes(6).toString('hex')}@${domain}`;
      const other = await s.command(`RCPT TO:<${probe}>`, opts.signal);
      if (other.code === 250 || other.code === 251) {
        return {
          kind: 'answer',
          result: {
            status: 'catch_all',
            reason: `${host} accepts mail for any address at ${domain} (catch-all), so this mailbox cannot be confirmed.`,
            mx: host,
            checked: true,
          },
        };
      }
      return {
        kind: 'answer',
        result: {
          status: 'valid',
          reason: `${host} accepts mail for this mailbox (${brief(rcpt)}).`,
          mx: host,
          checked: true,
        },
      };
    }
    if (REJECT_USER.has(rcpt.code)) {
      if (isPolicyRefusal(rcpt)) {
        return {
          kind: 'answer',
          result: {
            status: 'unknown',
            reason: `${host} refused to answer for this network, not about the mailbox (${brief(rcpt)}).`,
            mx: host,
            checked: false,
          },
        };
      }
      return {
        kind: 'answer',
        result: {
          status: 'invalid',
          reason: `${host} says there is no such mailbox (${brief(rcpt)}).`,
          mx: host,
          checked: true,
        },
      };
    }
    if (GREYLIST.has(rcpt.code)) return { kind: 'greylisted', reply: rcpt };
    if (rcpt.code === 421) throw new SessionError(`${host} is closing the connection (${brief(rcpt)})`, true);
    return {
      kind: 'answer',
      result: {
        status: 'unknown',
        reason: `${host} gave no clear answer (${brief(rcpt)}).`,
        mx: host,
        checked: false,
      },
    };
  } finally {
    await s.quit();
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The RCPT verdict for `address` from the first of `hosts` (in preference order) that
 * gives one. Aborting the signal rejects with its reason.
 */
export async function probeMailbox(
  address: string,
  domain: string,
  hosts: string[],
  opts: ProbeOptions,
): Promise<ProbeResult> {
  const problems: string[] = [];
  let anyReachable = false;
  for (const host of hosts) {
    try {
      let attempt = await session(address, domain, host, opts);
      if (attempt.kind === 'greylisted') {
        await sleep(opts.greylistRetryMs, opts.signal);
        attempt = await session(address, domain, host, opts);
      }
      if (attempt.kind === 'greylisted') {
        return {
          status: 'unknown',
          reason:
            `greylisted: ${host} asked us to come back later twice (${attempt.reply.code} ${attempt.reply.text}).`.slice(
              0,
              300,
            ),
          mx: host,
          checked: false,
        };
      }
      return attempt.result;
    } catch (error) {
      if (opts.signal.aborted) throw opts.signal.reason;
      if (!(error instanceof SessionError)) throw error;
      anyReachable ||= error.reachable;
      problems.push(error.message);
    }
  }
  if (!anyReachable) {
    return {
      status: 'unknown',
      reason:
        `No mail server for ${domain} could be reached on port ${opts.port} (${problems.join('; ')}). ` +
        `Outbound port ${opts.port} looks blocked on this network; set a verification API in Settings → Providers.`,
      mx: null,
      checked: false,
    };
  }
  return {
    status: 'unknown',
    reason: `No mail server for ${domain} gave an answer: ${problems.join('; ')}.`,
    mx: hosts[hosts.length - 1] ?? null,
    checked: false,
  };
}
