// Two flags a sales list cares about beside deliverability: a disposable address (a
// throwaway inbox from a temporary-mail service, per the disposable-email-domains list)
// and a role address (a shared inbox like info@ or sales@ that reaches a department, not
// a person). Both are decided on this machine; neither makes an address invalid.
import disposableDomains from 'disposable-email-domains';
import disposableWildcards from 'disposable-email-domains/wildcard.json';

/**
 * Local parts that name a function, not a person: RFC 2142's mailbox names (abuse,
 * hostmaster, postmaster, webmaster, noc, security, info, marketing, sales, support),
 * the no-reply variants, and the shared inboxes B2B lists are full of. Compared without
 * dots, hyphens and underscores, so no-reply, no_reply and noreply are one entry.
 */
export const ROLE_LOCAL_PARTS: readonly string[] = [
  'abuse',
  'accounting',
  'accounts',
  'admin',
  'administrator',
  'all',
  'billing',
  'bookings',
  'careers',
  'compliance',
  'contact',
  'contactus',
  'customercare',
  'customerservice',
  'donotreply',
  'enquiries',
  'enquiry',
  'everyone',
  'feedback',
  'finance',
  'hello',
  'help',
  'helpdesk',
  'hostmaster',
  'hr',
  'info',
  'inquiries',
  'inquiry',
  'investors',
  'jobs',
  'legal',
  'mail',
  'mailerdaemon',
  'marketing',
  'media',
  'newsletter',
  'noc',
  'noreply',
  'office',
  'orders',
  'postmaster',
  'press',
  'privacy',
  'reception',
  'recruiting',
  'recruitment',
  'sales',
  'security',
  'service',
  'support',
  'team',
  'webmaster',
];

const ROLES = new Set(ROLE_LOCAL_PARTS);

/** Whether the local part names a role (sub-addresses like sales+eu count as sales). */
export function isRoleAddress(local: string): boolean {
  const unquoted = local.startsWith('"') && local.endsWith('"') ? local.slice(1, -1) : local;
  const base = unquoted.split('+')[0] ?? '';
  return ROLES.has(base.toLowerCase().replace(/[._-]/g, ''));
}

let exact: Set<string> | null = null;
let wildcard: Set<string> | null = null;

/**
 * Whether the domain belongs to a temporary-mail service. The list (about 120,000
 * domains) is read into a Set on first use, once per process; the wildcard list also
 * covers every subdomain of its entries.
 */
export function isDisposableDomain(domain: string): boolean {
  if (!exact) exact = new Set(disposableDomains as string[]);
  if (!wildcard) wildcard = new Set(disposableWildcards as string[]);
  const name = domain.toLowerCase();
  if (exact.has(name)) return true;
  const labels = name.split('.');
  for (let i = 0; i < labels.length - 1; i++) {
    if (wildcard.has(labels.slice(i).join('.'))) return true;
  }
  return false;
}
