// "Verify phone": whether a number can receive calls or texts, from libphonenumber's full
// metadata (the "max" set, which knows line types): valid or not for its country, its
// type (mobile, fixed line, VoIP, toll-free…), its country and E.164 form, and a verdict
// can_call / can_text with the reason. It runs on this machine and never sends the number
// anywhere. A carrier line-type lookup (e.g. Twilio Lookup) is the catalogue's next step.
import type { ActionInfo } from '@shared/enrichment';
import { AppError } from '@shared/errors';
import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { ActionDefinition, ActionOutcome, RowInput } from '../engine/actions';

export interface PhoneVerdict {
  status: 'valid' | 'invalid' | 'unknown';
  reason: string;
  e164: string | null;
  international: string | null;
  country: string | null;
  type: string | null;
  canCall: boolean;
  /** null: the numbering plan does not tell (e.g. US numbers); a carrier lookup would */
  canText: boolean | null;
}

/** Line types a text message can reach. */
const TEXTABLE = new Set(['MOBILE', 'PERSONAL_NUMBER']);
/** The country's numbering does not tell mobile from fixed line (the US, Canada…). */
const MAYBE_TEXTABLE = new Set(['FIXED_LINE_OR_MOBILE']);
/** Numbers that ring no person: a pager or a voicemail box takes no call worth making. */
const UNCALLABLE = new Set(['PAGER', 'VOICEMAIL']);

const TYPE_LABELS: Record<string, string> = {
  MOBILE: 'mobile',
  FIXED_LINE: 'fixed line',
  FIXED_LINE_OR_MOBILE: 'fixed line or mobile',
  VOIP: 'VoIP',
  TOLL_FREE: 'toll-free',
  PREMIUM_RATE: 'premium rate',
  SHARED_COST: 'shared cost',
  PERSONAL_NUMBER: 'personal number',
  PAGER: 'pager',
  UAN: 'universal access number',
  VOICEMAIL: 'voicemail',
};

export function normaliseCountry(country: unknown): CountryCode | undefined {
  const code = typeof country === 'string' ? country.trim().toUpperCase() : '';
  return code && isSupportedCountry(code) ? code : undefined;
}

/** The verdict for one number; `country` is the default for numbers written without +CC. */
export function verifyPhone(text: string, country?: string): PhoneVerdict {
  const none = { e164: null, international: null, country: null, type: null, canCall: false, canText: false };
  const input = text.trim();
  if (!input) return { status: 'invalid', reason: 'The number is empty.', ...none };
  const defaultCountry = normaliseCountry(country);
  if (country?.trim() && !defaultCountry) {
    return {
      status: 'unknown',
      reason: `“${country}” is not a country code (use ISO codes like DE or US).`,
      ...none,
    };
  }
  const parsed = parsePhoneNumberFromString(input, { defaultCountry, extract: false });
  if (!parsed) {
    return {
      status: 'invalid',
      reason: defaultCountry
        ? 'This is not a phone number.'
        : 'This is not a phone number, or it needs its country (+CC, or a country column).',
      ...none,
    };
  }
  const base = {
    e164: parsed.number,
    international: parsed.formatInternational(),
    country: parsed.country ?? null,
  };
  if (!parsed.isValid()) {
    return {
      status: 'invalid',
      reason: parsed.isPossible()
        ? `The length is right but no such number exists in ${parsed.country ?? `+${parsed.countryCallingCode}`}.`
        : 'The number has the wrong length for its country.',
      ...base,
      type: null,
      canCall: false,
      canText: false,
    };
  }
  const type = parsed.getType() ?? null;
  const label = type ? (TYPE_LABELS[type] ?? type.toLowerCase()) : 'unknown type';
  const canCall = !type || !UNCALLABLE.has(type);
  const canText = type === null || MAYBE_TEXTABLE.has(type) ? null : TEXTABLE.has(type);
  const reason =
    canText === true
      ? `A valid ${label} number: it can take calls and texts.`
      : !canCall
        ? `A valid ${label} number: it takes neither calls nor texts from people.`
        : canText === null
          ? `A valid ${label} number: it can take calls; whether it takes texts needs a carrier lookup.`
          : `A valid ${label} number: it can take calls, not texts.`;
  return { status: 'valid', reason, ...base, type: type ? label : null, canCall, canText };
}

const info: ActionInfo = {
  id: 'phone.verify',
  name: 'Verify phone',
  description:
    'Whether a number is valid and can take calls or texts: its line type, country and E.164 form (checked on this computer).',
  inputs: [
    { key: 'phone', label: 'Phone', required: true },
    { key: 'country', label: 'Country (ISO code, for numbers without +CC)', required: false },
  ],
  outputs: [
    { key: 'status', label: 'Phone status', type: 'text' },
    { key: 'canCall', label: 'Can call', type: 'boolean' },
    { key: 'canText', label: 'Can text', type: 'boolean' },
    { key: 'e164', label: 'Phone (E.164)', type: 'phone' },
    { key: 'type', label: 'Line type', type: 'text' },
    { key: 'country', label: 'Phone country', type: 'text' },
    { key: 'reason', label: 'Phone check', type: 'text' },
  ],
  price: 1,
  // The numbering plan changes slowly; a number checked this month stands.
  cacheTtlSeconds: 30 * 24 * 3600,
};

export const phoneVerify: ActionDefinition = {
  info,
  prepare(options, context) {
    const fallback = options.defaultCountry;
    if (fallback !== undefined && fallback !== null && fallback !== '' && !normaliseCountry(fallback)) {
      throw new AppError('invalid_input', `Verify phone: “${String(fallback)}” is not a country code.`);
    }
    const phoneColumn = context.inputs.phone as string;
    const countryColumn = context.inputs.country;
    const read = (row: RowInput) => {
      const phone = row[phoneColumn];
      const country = countryColumn ? row[countryColumn] : null;
      return {
        phone: phone === null || phone === undefined ? '' : String(phone),
        country:
          (typeof country === 'string' && country.trim()) || (typeof fallback === 'string' ? fallback : ''),
      };
    };
    return {
      providerId: 'libphonenumber',
      ratePerSecond: Number.POSITIVE_INFINITY,
      burst: 1,
      columns: [],
      outputKeys: info.outputs.map((o) => o.key),
      cacheKey: (row) => {
        const { phone, country } = read(row);
        return `${phone.replace(/[\s().-]/g, '')}|${country.trim().toUpperCase()}`;
      },
      async execute(row): Promise<ActionOutcome> {
        const { phone, country } = read(row);
        // An empty cell asks nothing: free, and says so.
        if (!phone.trim()) return { status: 'not_found', raw: '{"reason":"no number in the cell"}' };
        const verdict = verifyPhone(phone, country || undefined);
        return { status: 'done', values: { ...verdict }, raw: JSON.stringify(verdict) };
      },
    };
  },
};
