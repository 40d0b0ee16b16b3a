// The address checker against Dominic Sayers' public is_email suite (every case in
// test/fixtures/email/isemail-tests.tsv), plus the RFC 6531 / IDN cases that suite
// predates. is_email grades addresses in categories; what a mail server can be asked
// about (an RFC 5321 Mailbox) decides which of them we accept:
//   accepted: ISEMAIL_VALID_CATEGORY; ISEMAIL_DNSWARN (well-formed; whether DNS knows the
//     domain is the MX check's question, not syntax's); ISEMAIL_RFC5321 quoted strings and
//     address literals (RFC 5321 allows both in a mailbox).
//   refused: ISEMAIL_RFC5321_TLD and _TLDNUMERIC (a bare or all-digit top-level domain
//     takes no mail in practice); ISEMAIL_CFWS (comments and folding are RFC 5322 header
//     syntax: the SMTP envelope has none); ISEMAIL_DEPREC (obsolete forms servers refuse);
//     ISEMAIL_RFC5322 (valid in a header but not as a mailbox: too long, general domain
//     literals, malformed IPv6); ISEMAIL_ERR.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSyntax } from '../../../../src/main/catalogue/email/syntax';

interface Case {
  id: number;
  category: string;
  diagnosis: string;
  address: string;
}

const FIXTURE = join(__dirname, '../../../fixtures/email/isemail-tests.tsv');

function loadCases(): Case[] {
  return readFileSync(FIXTURE, 'utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [id, category, diagnosis, address] = line.split('\t');
      return {
        id: Number(id),
        category: category as string,
        diagnosis: diagnosis as string,
        address: JSON.parse(address as string) as string,
      };
    });
}

function accepted(c: Case): boolean {
  if (c.category === 'ISEMAIL_VALID_CATEGORY' || c.category === 'ISEMAIL_DNSWARN') return true;
  if (c.category === 'ISEMAIL_RFC5321')
    return c.diagnosis === 'ISEMAIL_RFC5321_QUOTEDSTRING' || c.diagnosis === 'ISEMAIL_RFC5321_ADDRESSLITERAL';
  return false;
}

const cases = loadCases();

describe('checkSyntax against the is_email suite', () => {
  it('reads every case of the fixture', () => {
    expect(cases.length).toBe(162);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });

  it.each(cases.map((c) => [c.id, c.diagnosis, c] as const))('#%i %s', (_id, _diagnosis, c) => {
    const result = checkSyntax(c.address);
    if (accepted(c)) {
      expect(result, JSON.stringify(c.address)).toMatchObject({ ok: true });
    } else {
      expect(result, JSON.stringify(c.address)).toMatchObject({ ok: false });
      if (!result.ok) expect(result.reason).toMatch(/^\S.*\.$/); // a sentence, not a code
    }
  });
});

describe('checkSyntax', () => {
  it('says why, in words', () => {
    const reason = (a: string) => {
      const r = checkSyntax(a);
      return r.ok ? 'accepted' : r.reason;
    };
    expect(reason('')).toBe('The address is empty.');
    expect(reason('john.smith')).toBe('There is no @ in it.');
    expect(reason('@example.com')).toBe('There is nothing before the @.');
    expect(reason('john@')).toBe('There is nothing after the @.');
    expect(reason('john..smith@example.com')).toMatch(/two dots in a row/);
    expect(reason('john smith@example.com')).toMatch(/contains a space/);
    expect(reason('john(work)@example.com')).toMatch(/comment/);
    expect(reason('john@example')).toMatch(/no dot/);
    expect(reason('john@192.0.2.1')).toMatch(/in brackets/);
    expect(reason('john@exa_mple.com')).toMatch(/“_”/);
    expect(reason('john@-example.com')).toMatch(/starts with a hyphen/);
    expect(reason(`${'a'.repeat(65)}@example.com`)).toMatch(/65 bytes long; at most 64/);
    expect(reason(`john@${'a'.repeat(64)}.com`)).toMatch(/64 characters long; at most 63/);
    expect(reason('john@[IPv6:1::2::3]')).toMatch(/more than once/);
    expect(reason('john@[mail.example.com]')).toMatch(/Only \[IPv4\] and \[IPv6:…\]/);
  });

  it('takes UTF-8 local parts (RFC 6531) and turns international domains into ASCII', () => {
    expect(checkSyntax('ñoñó1234@iana.org')).toMatchObject({ ok: true, address: 'ñoñó1234@iana.org' });
    expect(checkSyntax('伊昭傑@郵件.商務')).toMatchObject({ ok: true, domain: 'xn--5nqv22n.xn--lhr59c' });
    expect(checkSyntax('info@Bücher.DE')).toMatchObject({ ok: true, address: 'info@xn--bcher-kva.de' });
    expect(checkSyntax('"jöhn smith"@example.com')).toMatchObject({ ok: true });
    // 64 octets, not characters: 22 three-byte characters are 66 bytes.
    expect(checkSyntax(`${'郵'.repeat(22)}@example.com`)).toMatchObject({ ok: false });
    expect(checkSyntax('john@xn--zz.com')).toMatchObject({ ok: false });
    expect(checkSyntax('john\u00a0smith@example.com')).toMatchObject({ ok: false });
  });

  it('lower-cases the domain and keeps the local part as written', () => {
    expect(checkSyntax('John.Smith@Example.COM')).toMatchObject({
      ok: true,
      address: 'John.Smith@example.com',
      local: 'John.Smith',
      domain: 'example.com',
      literalIp: null,
    });
    expect(checkSyntax('postmaster@[192.0.2.1]')).toMatchObject({ ok: true, literalIp: '192.0.2.1' });
  });
});
