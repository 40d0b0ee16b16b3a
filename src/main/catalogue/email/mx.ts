// Where mail for a domain goes, asked of DNS the way a sending mail server would: MX
// records by preference; with no MX, the domain's own A/AAAA address (RFC 5321 §5.1,
// the "implicit MX"); a null MX (RFC 7505, "0 .") or a name that does not exist means
// the domain takes no mail. A DNS server that fails or does not answer leaves the
// question open: that is "unknown", never "invalid".
import { promises as dns } from 'node:dns';
import net from 'node:net';

export interface MailHost {
  host: string;
  preference: number;
}

export type MxAnswer =
  /** hosts in the order to try; implicit: no MX, the domain's A/AAAA stands in */
  | { kind: 'hosts'; hosts: MailHost[]; implicit: boolean }
  /** the domain takes no mail: the reason says which record (or its absence) tells */
  | { kind: 'no_mail'; reason: string }
  /** DNS could not answer (SERVFAIL, timeout, refused) */
  | { kind: 'unknown'; reason: string };

export interface MxOptions {
  /** "127.0.0.1:5353"-style servers; the system's resolvers when empty */
  dnsServers: string[];
  timeoutMs: number;
  signal: AbortSignal;
}

const NO_NAME = new Set(['ENOTFOUND', 'NXDOMAIN']);
const NO_DATA = new Set(['ENODATA', 'ENOTFOUND_NODATA']);

function code(error: unknown): string {
  return String((error as { code?: unknown }).code ?? '');
}

function dnsTrouble(domain: string, error: unknown): MxAnswer {
  const c = code(error);
  const what =
    c === 'ETIMEOUT'
      ? 'did not answer in time'
      : c === 'ESERVFAIL'
        ? 'failed to answer (SERVFAIL)'
        : c === 'ECONNREFUSED' || c === 'EREFUSED'
          ? 'refused the query'
          : `failed (${c || (error as Error).message})`;
  return { kind: 'unknown', reason: `The DNS lookup for ${domain} ${what}; try again later.` };
}

function resolverFor(opts: MxOptions): dns.Resolver {
  const resolver = new dns.Resolver({ timeout: Math.max(1, Math.round(opts.timeoutMs / 2)), tries: 2 });
  if (opts.dnsServers.length > 0) resolver.setServers(opts.dnsServers);
  return resolver;
}

/**
 * A mail host's address through the same DNS servers as its MX record (the system's
 * resolver would not know names that only the configured servers serve), or the name
 * itself when no servers are configured or it has no A/AAAA record: the socket then
 * resolves it the system's way.
 */
export async function mailHostAddress(host: string, opts: MxOptions): Promise<string> {
  if (opts.dnsServers.length === 0 || net.isIP(host)) return host;
  const resolver = resolverFor(opts);
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
  if (opts.signal.aborted) throw opts.signal.reason;
  if (v4.status === 'fulfilled' && v4.value[0]) return v4.value[0];
  if (v6.status === 'fulfilled' && v6.value[0]) return v6.value[0];
  return host;
}

export async function lookupMailHosts(domain: string, opts: MxOptions): Promise<MxAnswer> {
  const resolver = resolverFor(opts);
  const cancel = () => resolver.cancel();
  opts.signal.addEventListener('abort', cancel, { once: true });
  try {
    let records: { exchange: string; priority: number }[];
    try {
      records = await resolver.resolveMx(domain);
    } catch (error) {
      if (opts.signal.aborted) throw opts.signal.reason;
      if (NO_NAME.has(code(error)))
        return { kind: 'no_mail', reason: `The domain ${domain} does not exist.` };
      if (!NO_DATA.has(code(error))) return dnsTrouble(domain, error);
      records = [];
    }
    const nullMx = records.filter((r) => r.exchange === '' || r.exchange === '.');
    const real = records.filter((r) => r.exchange !== '' && r.exchange !== '.');
    if (nullMx.length > 0 && real.length === 0)
      return { kind: 'no_mail', reason: `${domain} declares that it accepts no mail (null MX, RFC 7505).` };
    if (real.length > 0) {
      const hosts = real
        .map((r) => ({ host: r.exchange.replace(/\.$/, ''), preference: r.priority }))
        .sort((a, b) => a.preference - b.preference);
      return { kind: 'hosts', hosts, implicit: false };
    }
    return await implicitMx(resolver, domain, opts.signal);
  } finally {
    opts.signal.removeEventListener('abort', cancel);
  }
}

/** RFC 5321 §5.1: no MX records, so the domain itself is the mail host if it has an address. */
async function implicitMx(resolver: dns.Resolver, domain: string, signal: AbortSignal): Promise<MxAnswer> {
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(domain), resolver.resolve6(domain)]);
  if (signal.aborted) throw signal.reason;
  const found = [v4, v6].some((r) => r.status === 'fulfilled' && r.value.length > 0);
  if (found) return { kind: 'hosts', hosts: [{ host: domain, preference: 0 }], implicit: true };
  const failures = [v4, v6].filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  const trouble = failures.find((f) => !NO_NAME.has(code(f.reason)) && !NO_DATA.has(code(f.reason)));
  if (trouble) return dnsTrouble(domain, trouble.reason);
  return { kind: 'no_mail', reason: `${domain} has no mail server (no MX record and no address).` };
}
