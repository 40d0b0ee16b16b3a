// "Verify phone": whether a number can receive calls or texts, from libphonenumber's full
// metadata (the "max" set, which knows line types): valid or not for its country, its
// type (mobile, fixed line, VoIP, toll-free…), its country and E.164 form, and a verdict
// can_call / can_text with the reason. That part runs on this machine. When the user has
// set a Twilio key, a valid number also goes to Twilio Lookup's line type intelligence,
// which knows what the numbering plan cannot (a US number is mobile or landline, a
// number was ported to VoIP): its line type and carrier then decide the verdict.
import type { ActionInfo } from '@shared/enrichment';
import { AppError } from '@shared/errors';
import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { ActionDefinition, ActionOutcome, RowInput } from '../engine/actions';
import { CallError } from '../engine/scheduler';
import { requestJson, str } from './provider-http';
import type { ProviderAdapter, ProviderCall } from './providers';

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
  /** the carrier, when a line-type lookup named it */
  carrier?: string | null;
  /** what decided the line type: the numbering plan, or a lookup provider's id */
  source?: string;
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

/** Twilio Lookup v2 with the Line Type Intelligence package; the key is "ACCOUNT_SID:AUTH_TOKEN". */
export const twilioLookup: ProviderAdapter = {
  id: 'twilio-lookup',
  name: 'Twilio Lookup',
  docsUrl: 'https://www.twilio.com/docs/lookup/v2-api/line-type-intelligence',
  baseUrl: 'https://lookups.twilio.com',
  capabilities: ['phone.lineType'],
  needsKey: true,
  keyLabel: 'Account SID and Auth Token, as SID:TOKEN',
  async testConnection(call, signal) {
    // A Basic lookup (no data package) is free and still checks the credentials.
    await requestJson(
      twilioLookup,
      call,
      { path: '/v2/PhoneNumbers/+14155552671', headers: auth(call) },
      signal,
    );
    return 'Twilio accepted the credentials.';
  },
};

function auth(call: ProviderCall): Record<string, string> {
  const key = call.key ?? '';
  if (!/^[^:\s]+:[^:\s]+$/.test(key)) {
    throw new CallError(
      'http',
      'Twilio Lookup: the key must be ACCOUNT_SID:AUTH_TOKEN (Settings → Providers).',
      {
        retryable: false,
      },
    );
  }
  return { authorization: `Basic ${Buffer.from(key).toString('base64')}` };
}

/** Twilio's line types -> what a person on that line can receive, and how to say it. */
const TWILIO_TYPES: Record<string, { label: string; canCall: boolean; canText: boolean | null }> = {
  mobile: { label: 'mobile', canCall: true, canText: true },
  landline: { label: 'landline', canCall: true, canText: false },
  fixedVoip: { label: 'fixed VoIP', canCall: true, canText: false },
  nonFixedVoip: { label: 'non-fixed VoIP', canCall: true, canText: true },
  personal: { label: 'personal number', canCall: true, canText: true },
  tollFree: { label: 'toll-free', canCall: true, canText: false },
  premium: { label: 'premium rate', canCall: true, canText: false },
  sharedCost: { label: 'shared cost', canCall: true, canText: false },
  uan: { label: 'universal access number', canCall: true, canText: false },
  voicemail: { label: 'voicemail', canCall: false, canText: false },
  pager: { label: 'pager', canCall: false, canText: false },
};

interface TwilioLookup {
  valid?: boolean;
  phone_number?: string;
  country_code?: string;
  line_type_intelligence?: {
    type?: string | null;
    carrier_name?: string | null;
    error_code?: number | null;
  } | null;
}

/**
 * The local verdict refined by Twilio's line type. A type Twilio does not know (or an
 * error code such as 60600, out of coverage) leaves the local verdict, with the reason.
 */
export async function lookupLineType(
  verdict: PhoneVerdict,
  call: ProviderCall,
  signal: AbortSignal,
): Promise<{ verdict: PhoneVerdict; raw: string }> {
  const e164 = verdict.e164 as string;
  const response = await requestJson<TwilioLookup>(
    twilioLookup,
    call,
    {
      path: `/v2/PhoneNumbers/${encodeURIComponent(e164)}`,
      query: { Fields: 'line_type_intelligence' },
      headers: auth(call),
    },
    signal,
  );
  if (response.status === 404) {
    return {
      verdict: {
        ...verdict,
        status: 'invalid',
        reason: 'Twilio knows no such number.',
        canCall: false,
        canText: false,
        source: twilioLookup.id,
      },
      raw: response.text,
    };
  }
  const body = response.json;
  if (!body || typeof body !== 'object') {
    throw new CallError('invalid_response', 'Twilio Lookup sent an empty or unreadable answer.', {
      body: response.text.slice(0, 300),
    });
  }
  if (body.valid === false) {
    return {
      verdict: {
        ...verdict,
        status: 'invalid',
        reason: 'Twilio says the number is not valid.',
        canCall: false,
        canText: false,
        source: twilioLookup.id,
      },
      raw: response.text,
    };
  }
  const line = body.line_type_intelligence ?? null;
  const type = str(line?.type);
  const known = type ? TWILIO_TYPES[type] : undefined;
  if (!known) {
    const why = line?.error_code ? `error ${line.error_code}` : type ? `type “${type}”` : 'no line type';
    return {
      verdict: {
        ...verdict,
        reason: `${verdict.reason} (Twilio Lookup gave ${why}.)`,
        source: 'libphonenumber',
      },
      raw: response.text,
    };
  }
  const carrier = str(line?.carrier_name);
  const on = carrier ? ` on ${carrier}` : '';
  const reason =
    known.canText === true
      ? `A ${known.label} line${on}: it can take calls and texts.`
      : !known.canCall
        ? `A ${known.label} line${on}: it takes neither calls nor texts from people.`
        : `A ${known.label} line${on}: it can take calls, not texts.`;
  return {
    verdict: {
      ...verdict,
      type: known.label,
      canCall: known.canCall,
      canText: known.canText,
      carrier,
      reason,
      source: twilioLookup.id,
    },
    raw: response.text,
  };
}

const info: ActionInfo = {
  id: 'phone.verify',
  name: 'Verify phone',
  description:
    'Whether a number is valid and can take calls or texts: its line type, country and E.164 form, from the numbering plan on this computer, and from Twilio Lookup’s line type when a Twilio key is set.',
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
    { key: 'carrier', label: 'Carrier', type: 'text' },
  ],
  price: 1,
  tables: ['contacts'],
  providers: ['twilio-lookup'],
  providersOptional: true,
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
    const lookup = options.lineTypeLookup ?? 'auto';
    if (lookup !== 'auto' && lookup !== 'off') {
      throw new AppError('invalid_input', 'Verify phone: the line-type lookup is “auto” or “off”.');
    }
    // Decided when the run starts: a key set later applies from the next run.
    const twilio = lookup === 'auto' && context.providers.call(twilioLookup).key !== null;
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
      providerId: twilio ? twilioLookup.id : 'libphonenumber',
      // Twilio's default Lookup concurrency is modest; the numbering plan has no limit.
      ratePerSecond: twilio ? 25 : Number.POSITIVE_INFINITY,
      burst: twilio ? 25 : 1,
      columns: [],
      outputKeys: info.outputs.map((o) => o.key),
      cacheKey: (row) => {
        const { phone, country } = read(row);
        return `${phone.replace(/[\s().-]/g, '')}|${country.trim().toUpperCase()}${twilio ? '|twilio' : ''}`;
      },
      async execute(row, signal): Promise<ActionOutcome> {
        const { phone, country } = read(row);
        // An empty cell asks nothing: free, and says so.
        if (!phone.trim()) return { status: 'not_found', raw: '{"reason":"no number in the cell"}' };
        const verdict: PhoneVerdict = {
          ...verifyPhone(phone, country || undefined),
          source: 'libphonenumber',
        };
        if (!twilio || verdict.status !== 'valid') {
          return { status: 'done', values: { ...verdict }, raw: JSON.stringify(verdict) };
        }
        const looked = await lookupLineType(verdict, context.providers.call(twilioLookup), signal);
        return { status: 'done', values: { ...looked.verdict }, raw: looked.raw, provider: twilioLookup.id };
      },
    };
  },
};
