// Country names as providers write them ("united states", "Germany") to ISO 3166-1
// alpha-2 codes, so a people-per-country map and a person's country read the same
// whichever provider answered. The names come from the ICU data Node ships (English
// region names), plus the spellings providers use that ICU words differently.

const ALIASES: Record<string, string> = {
  'united states of america': 'US',
  usa: 'US',
  uk: 'GB',
  'great britain': 'GB',
  england: 'GB',
  scotland: 'GB',
  wales: 'GB',
  'northern ireland': 'GB',
  'south korea': 'KR',
  'korea, republic of': 'KR',
  russia: 'RU',
  'russian federation': 'RU',
  'czech republic': 'CZ',
  vietnam: 'VN',
  'viet nam': 'VN',
  'hong kong': 'HK',
  macau: 'MO',
  myanmar: 'MM',
  'congo - kinshasa': 'CD',
  'congo - brazzaville': 'CG',
  'ivory coast': 'CI',
  "cote d'ivoire": 'CI',
  'the netherlands': 'NL',
  'republic of ireland': 'IE',
  'united arab emirates': 'AE',
  turkey: 'TR',
  burma: 'MM',
  taiwan: 'TW',
  palestine: 'PS',
  macedonia: 'MK',
  swaziland: 'SZ',
  'cape verde': 'CV',
  'democratic republic of the congo': 'CD',
  'republic of the congo': 'CG',
};

/** Codes retired or reserved that ICU still names like a current country (DD "Germany", UK). */
const RETIRED = new Set([
  'AN',
  'HV',
  'DY',
  'BU',
  'ZR',
  'CS',
  'YU',
  'DD',
  'FX',
  'UK',
  'NH',
  'RH',
  'SU',
  'TP',
  'VD',
  'YD',
]);

let byName: Map<string, string> | null = null;

function names(): Map<string, string> {
  if (byName) return byName;
  const map = new Map<string, string>();
  const display = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  const A = 'A'.charCodeAt(0);
  for (let i = 0; i < 26; i++) {
    for (let j = 0; j < 26; j++) {
      const code = String.fromCharCode(A + i, A + j);
      const name = display.of(code);
      if (name && name !== code && !RETIRED.has(code)) map.set(name.toLowerCase(), code);
    }
  }
  for (const [name, code] of Object.entries(ALIASES)) map.set(name, code);
  byName = map;
  return map;
}

/** The ISO code of a country name or code, or null when it names no country. */
export function countryCode(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (!text) return null;
  if (/^[A-Za-z]{2}$/.test(text)) return ALIASES[text.toLowerCase()] ?? text.toUpperCase();
  return names().get(text.toLowerCase().replace(/\s+/g, ' ')) ?? null;
}
