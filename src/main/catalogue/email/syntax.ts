// Whether a string is an address a mail server can be asked about: the RFC 5321
// `Mailbox` (what goes between the brackets of RCPT TO), with RFC 6531's UTF-8 local
// parts and international domain names (converted to ASCII with node:url's
// domainToASCII, which is what goes on the wire). Every refusal says why, in words a
// user can act on.
//
// What is accepted, and why:
// - local part: a dot-string of atext (RFC 5321 §4.1.2) or a quoted string whose
//   characters are printable ASCII or UTF-8, with backslash escapes of printable ASCII;
//   non-ASCII characters per RFC 6531. At most 64 octets (UTF-8), quotes included.
// - domain: LDH labels of at most 63 octets, at least two labels, a top-level label
//   that is not all digits; or an address literal [IPv4] / [IPv6:…] in RFC 5321 §4.1.3
//   form. The address is at most 254 octets (RFC 5321's 256-octet path minus the
//   brackets).
// - Refused: comments and folding white space (CFWS). RFC 5322 allows them in a message
//   header, but a mailbox in the SMTP envelope has none, so an address with them is
//   either a paste error or cannot be sent to as written. Also refused: RFC 5322's
//   obsolete forms (quoted words joined by dots, quoted control characters), general
//   domain literals other than IPv4/IPv6, and single-label domains (no mail system
//   delivers to a bare top-level domain in practice).
// No I/O: DNS and SMTP checks live in their own modules.
import { domainToASCII } from 'node:url';

export type SyntaxResult =
  | {
      ok: true;
      /** local@domain with the domain in lower-case ASCII (A-labels) */
      address: string;
      /** the local part as written (quotes and escapes kept) */
      local: string;
      /** the domain in lower-case ASCII, or the literal with its brackets */
      domain: string;
      /** the literal's IP address when the domain is [IPv4] or [IPv6:…] */
      literalIp: string | null;
    }
  | { ok: false; reason: string };

const MAX_LOCAL = 64;
const MAX_ADDRESS = 254;
const MAX_DOMAIN = 253;
const MAX_LABEL = 63;

/** RFC 5322 atext: the characters a dot-string local part may hold unquoted. */
const ATEXT = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]$/;

function fail(reason: string): SyntaxResult {
  return { ok: false, reason };
}

/** How a character is named in a refusal: visible characters quoted, the others by code. */
function describe(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (ch === ' ') return 'a space';
  if (ch === '\t') return 'a tab';
  if (ch === '\r' || ch === '\n') return 'a line break';
  if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0))
    return `a control character (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
  return `“${ch}”`;
}

/** RFC 6531 UTF8-non-ascii, less what no one can type into an address on purpose. */
function isUtf8NonAscii(ch: string): boolean {
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x80) return false;
  if (code < 0xa0) return false; // C1 controls
  if (code >= 0xd800 && code <= 0xdfff) return false; // a lone surrogate: not UTF-8 at all
  return !/[\p{Z}\p{Cc}]/u.test(ch);
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The address checked against RFC 5321 Mailbox (+ RFC 6531); the input is taken as is. */
export function checkSyntax(input: string): SyntaxResult {
  if (input === '') return fail('The address is empty.');
  const local = input.startsWith('"') ? readQuoted(input) : readDotString(input);
  if (!local.ok) return fail(local.reason);
  const rest = input.slice(local.end);
  if (!rest.startsWith('@')) {
    if (rest === '') return fail('There is no @ in it.');
    return fail(`After the closing quote comes ${describe(rest[0] as string)}, not the @.`);
  }
  const localText = input.slice(0, local.end);
  if (utf8Length(localText) > MAX_LOCAL)
    return fail(
      `The part before the @ is ${utf8Length(localText)} bytes long; at most ${MAX_LOCAL} are allowed.`,
    );

  const domainText = rest.slice(1);
  const domain = domainText.startsWith('[') ? checkLiteral(domainText) : checkDomain(domainText);
  if (!domain.ok) return fail(domain.reason);
  const address = `${localText}@${domain.domain}`;
  if (utf8Length(address) > MAX_ADDRESS)
    return fail(`The address is ${utf8Length(address)} bytes long; at most ${MAX_ADDRESS} are allowed.`);
  return { ok: true, address, local: localText, domain: domain.domain, literalIp: domain.literalIp };
}

type LocalRead = { ok: true; end: number } | { ok: false; reason: string };

function readDotString(input: string): LocalRead {
  const at = input.indexOf('@');
  const local = at < 0 ? input : input.slice(0, at);
  if (at === 0) return { ok: false, reason: 'There is nothing before the @.' };
  if (at < 0 && !/[\s()<>[\]\\,;:"]/.test(local)) return { ok: false, reason: 'There is no @ in it.' };
  if (local.startsWith('.')) return { ok: false, reason: 'The part before the @ starts with a dot.' };
  let previousDot = false;
  for (const ch of local) {
    if (ch === '.') {
      if (previousDot) return { ok: false, reason: 'The part before the @ has two dots in a row.' };
      previousDot = true;
      continue;
    }
    previousDot = false;
    if (ATEXT.test(ch) || isUtf8NonAscii(ch)) continue;
    if (ch === '(' || ch === ')')
      return { ok: false, reason: 'It contains a comment in brackets: a mailbox takes none (RFC 5321).' };
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n')
      return { ok: false, reason: `The part before the @ contains ${describe(ch)}.` };
    if (ch === '"')
      return {
        ok: false,
        reason: 'A quote is only allowed around the whole part before the @ (like "john smith"@example.com).',
      };
    return {
      ok: false,
      reason: `The part before the @ contains ${describe(ch)}, which needs the whole part in quotes.`,
    };
  }
  if (local.endsWith('.')) return { ok: false, reason: 'The part before the @ ends with a dot.' };
  if (at < 0) return { ok: false, reason: 'There is no @ in it.' };
  return { ok: true, end: at };
}

/** RFC 5321 Quoted-string (qtextSMTP / quoted-pairSMTP), with RFC 6531's UTF-8 qtext. */
function readQuoted(input: string): LocalRead {
  let i = 1;
  while (i < input.length) {
    const ch = String.fromCodePoint(input.codePointAt(i) ?? 0);
    if (ch === '"') {
      const after = input[i + 1];
      if (after === '.')
        return {
          ok: false,
          reason:
            'A quoted part joined to more text by a dot is an obsolete form (RFC 5322) that mail servers refuse.',
        };
      return { ok: true, end: i + 1 };
    }
    if (ch === '\\') {
      const escaped = input[i + 1];
      if (escaped === undefined) break;
      const code = escaped.charCodeAt(0);
      if (code < 32 || code > 126)
        return {
          ok: false,
          reason: `Inside the quotes, a backslash escapes ${describe(escaped)}; only printable ASCII can be escaped.`,
        };
      i += 2;
      continue;
    }
    const code = ch.codePointAt(0) ?? 0;
    if ((code >= 32 && code <= 126) || isUtf8NonAscii(ch)) {
      i += ch.length;
      continue;
    }
    return { ok: false, reason: `Inside the quotes there is ${describe(ch)}.` };
  }
  return { ok: false, reason: 'The quote before the @ is never closed.' };
}

type DomainCheck = { ok: true; domain: string; literalIp: string | null } | { ok: false; reason: string };

function checkDomain(text: string): DomainCheck {
  if (text === '') return { ok: false, reason: 'There is nothing after the @.' };
  if (text.includes('@'))
    return {
      ok: false,
      reason: 'It has more than one @ (put the part before the last one in quotes if it is meant).',
    };
  let ascii = text;
  const nonAscii = [...text].some((ch) => (ch.codePointAt(0) ?? 0) > 0x7f);
  if (nonAscii) {
    const bad = [...text].find((ch) => ch.charCodeAt(0) < 0x80 && !/[A-Za-z0-9.-]/.test(ch));
    if (bad) return { ok: false, reason: `The domain contains ${describe(bad)}.` };
    ascii = domainToASCII(text);
    if (!ascii) return { ok: false, reason: `“${text}” is not a valid international domain name.` };
  }
  if (ascii.startsWith('.')) return { ok: false, reason: 'The domain starts with a dot.' };
  if (ascii.endsWith('.')) return { ok: false, reason: 'The domain ends with a dot.' };
  const labels = ascii.split('.');
  for (const label of labels) {
    if (label === '') return { ok: false, reason: 'The domain has two dots in a row.' };
    const bad = [...label].find((ch) => !/[A-Za-z0-9-]/.test(ch));
    if (bad) {
      if (bad === '(' || bad === ')')
        return { ok: false, reason: 'It contains a comment in brackets: a mailbox takes none (RFC 5321).' };
      if (bad === '[' || bad === ']')
        return {
          ok: false,
          reason: 'An address literal in brackets must be the whole domain, like [192.0.2.1].',
        };
      return { ok: false, reason: `The domain contains ${describe(bad)}.` };
    }
    if (label.startsWith('-'))
      return { ok: false, reason: `The domain label “${label}” starts with a hyphen.` };
    if (label.endsWith('-')) return { ok: false, reason: `The domain label “${label}” ends with a hyphen.` };
    if (label.length > MAX_LABEL)
      return {
        ok: false,
        reason: `The domain label “${label.slice(0, 20)}…” is ${label.length} characters long; at most ${MAX_LABEL} are allowed.`,
      };
  }
  if (ascii.length > MAX_DOMAIN)
    return {
      ok: false,
      reason: `The domain is ${ascii.length} characters long; at most ${MAX_DOMAIN} are allowed.`,
    };
  if (labels.length < 2)
    return { ok: false, reason: `“${text}” has no dot: mail is not delivered to a bare top-level domain.` };
  if (/^\d+$/.test(labels[labels.length - 1] as string))
    return labels.length === 4 && labels.every((l) => /^\d{1,3}$/.test(l))
      ? { ok: false, reason: 'An IP address after the @ must be written in brackets, like [192.0.2.1].' }
      : { ok: false, reason: 'The top-level domain is all digits; no such domain exists.' };
  // A label already in A-label form (xn--…) must decode: domainToASCII refuses broken punycode.
  if (!nonAscii && labels.some((l) => l.toLowerCase().startsWith('xn--'))) {
    ascii = domainToASCII(text);
    if (!ascii)
      return { ok: false, reason: `“${text}” is not a valid international domain name (bad xn-- label).` };
  }
  return { ok: true, domain: ascii.toLowerCase(), literalIp: null };
}

/** RFC 5321 §4.1.3 address literals: IPv4, IPv6 (full, compressed, with IPv4 tail). */
function checkLiteral(text: string): DomainCheck {
  const close = text.indexOf(']');
  if (close < 0) return { ok: false, reason: 'The address literal’s “[” is never closed.' };
  if (close !== text.length - 1)
    return { ok: false, reason: 'There is more after the address literal’s closing “]”.' };
  const inner = text.slice(1, -1);
  if (inner.includes('[')) return { ok: false, reason: 'The address literal contains a “[”.' };
  if (isIPv4(inner)) return { ok: true, domain: `[${inner}]`, literalIp: inner };
  const tag = /^ipv6:/i.exec(inner);
  if (tag) {
    const ip = inner.slice(5);
    const problem = ipv6Problem(ip);
    if (problem) return { ok: false, reason: `The IPv6 address literal is malformed: ${problem}.` };
    return { ok: true, domain: `[IPv6:${ip}]`, literalIp: ip };
  }
  if (/^\d+(\.\d+)*$/.test(inner))
    return { ok: false, reason: `[${inner}] is not an IPv4 address (four numbers 0–255).` };
  return { ok: false, reason: 'Only [IPv4] and [IPv6:…] address literals can be mailed to.' };
}

function isIPv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

/** Why an RFC 5321 IPv6-addr is malformed, or null when it is fine. */
function ipv6Problem(text: string): string | null {
  let head = text;
  let max = 8;
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.slice(lastColon + 1).includes('.')) {
    if (!isIPv4(text.slice(lastColon + 1))) return 'the IPv4 part is not four numbers 0–255';
    head = text.slice(0, lastColon + 1);
    // "…::1.2.3.4" keeps its "::"; "…:6666:1.2.3.4" drops the separator before the IPv4 part
    head = head.endsWith('::') ? head : head.slice(0, -1);
    max = 6;
  }
  if (head.includes(':::')) return 'three colons in a row';
  const compressed = head.split('::');
  if (compressed.length > 2) return '“::” appears more than once';
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const all = compressed.flatMap(groups);
  const badGroup = all.find((g) => !/^[0-9A-Fa-f]{1,4}$/.test(g));
  if (badGroup !== undefined)
    return badGroup === ''
      ? 'a group is empty (a single “:” at the start or end?)'
      : `“${badGroup}” is not a group of 1–4 hex digits`;
  if (compressed.length === 2) {
    // RFC 5321: "::" stands for at least two groups of zeros.
    if (all.length > max - 2) return `too many groups around “::” (at most ${max - 2})`;
    return null;
  }
  if (all.length !== max) return `${all.length} groups instead of ${max}`;
  return null;
}
