// Takes secrets out of anything before it is written: log lines, their extra values and
// the diagnostics a user pastes into a support ticket. Three layers, because no single
// one catches everything: values the app knows are secret (the secret store's content),
// fields and headers whose name says "secret" (Authorization, apiKey, password…), and
// strings shaped like keys (Rowsmith's rs_* tokens, sk-…, JWTs, long random runs).
// It must never throw, and it errs on the side of hiding too much.

export const REDACTED = '[redacted]';

/** Object keys whose string values are secrets (compared without case, "-" or "_"). */
const SENSITIVE_KEY =
  /(apikey|accesskey|secretkey|privatekey|licensekey|clientsecret|secret|token|password|passwd|passphrase|authorization|cookie|credential|bearer)$/;
const SENSITIVE_EXACT = new Set(['auth', 'pwd', 'key', 'pass']);

export function isSensitiveKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return SENSITIVE_EXACT.has(k) || SENSITIVE_KEY.test(k);
}

const KEY_NAME = String.raw`[A-Za-z0-9_-]*(?:api[-_]?key|access[-_]?key|secret|token|password|passwd|passphrase|license[-_]?key|private[-_]?key|credential|cookie)[A-Za-z0-9_-]*`;

/** Patterns over free text; each keeps the label and hides the value. */
const TEXT_RULES: [RegExp, string | ((...m: string[]) => string)][] = [
  // Authorization: Bearer xyz / "authorization":"Basic xyz" / authorization=xyz
  [
    /\b((?:proxy-)?authorization)(["']?\s*[:=]\s*["']?)(?:(Bearer|Basic|Token|Digest)\s+)?[^\s"',;}]+/gi,
    (_m, name, sep, scheme) => `${name}${sep}${scheme ? `${scheme} ` : ''}${REDACTED}`,
  ],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${REDACTED}`],
  // apiKey=…, "device_token": "…", password: …, x-api-key: … (numbers such as tokens=12 stay)
  [
    new RegExp(String.raw`(["']?)(${KEY_NAME})\1(\s*[:=]\s*)(["']?)(?!\d+\b)[^"'\s&,;}]+`, 'gi'),
    (_m, q, name, sep, vq) => `${q}${name}${q}${sep}${vq}${REDACTED}`,
  ],
  // https://user:password@host
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:)[^\s/@]+@/gi, `$1${REDACTED}@`],
  // Rowsmith's own license keys, device tokens and admin tokens
  [/\brs_(lic|dev|adm)_[A-Za-z0-9_-]{8,}/g, `rs_$1_${REDACTED}`],
  // Well-known key shapes: OpenAI/Anthropic sk-…, GitHub, Slack, AWS, Google, JWTs
  [/\bsk-[A-Za-z0-9_-]{12,}/g, `sk-${REDACTED}`],
  [/\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}|\bgithub_pat_[A-Za-z0-9_]{20,}/g, REDACTED],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/g, REDACTED],
  [/\bAKIA[0-9A-Z]{16}\b/g, REDACTED],
  [/\bAIza[0-9A-Za-z_-]{30,}/g, REDACTED],
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, REDACTED],
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/**
 * Long runs of key-like characters with letters and digits: most API keys look like this.
 * '/' is left out so file paths in stack traces stay readable.
 */
const LONG_RANDOM = /[A-Za-z0-9_+=-]{32,}/g;

export class Redactor {
  private readonly known = new Set<string>();

  /** Values that are secret whatever their shape (e.g. the secret store's content). */
  addSecrets(values: Iterable<string | null | undefined>): void {
    for (const v of values) if (typeof v === 'string' && v.length >= 6) this.known.add(v);
  }

  text(input: string): string {
    let out = input;
    for (const secret of this.known) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    for (const [pattern, replacement] of TEXT_RULES)
      out = out.replace(pattern, replacement as (substring: string, ...args: string[]) => string);
    return out.replace(LONG_RANDOM, (run) =>
      UUID.test(run) || !/[0-9]/.test(run) || !/[A-Za-z]/.test(run) ? run : REDACTED,
    );
  }

  /** A JSON-safe copy with sensitive fields hidden and every string passed through text(). */
  value(input: unknown, depth = 0): unknown {
    if (typeof input === 'string') return this.text(input);
    if (input === null || typeof input !== 'object') return input;
    if (depth > 6) return '[…]';
    if (input instanceof Error) {
      return {
        name: input.name,
        message: this.text(input.message),
        ...('code' in input && typeof input.code === 'string' ? { code: input.code } : {}),
        ...(input.stack ? { stack: this.text(input.stack) } : {}),
      };
    }
    if (Array.isArray(input)) return input.slice(0, 100).map((v) => this.value(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input)) {
      out[k] =
        isSensitiveKey(k) && v !== null && v !== undefined && typeof v !== 'number'
          ? REDACTED
          : this.value(v, depth + 1);
    }
    return out;
  }
}

/** The process-wide redactor the logger and diagnostics share. */
export const redactor = new Redactor();
