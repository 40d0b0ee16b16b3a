// The default price list: credits per unit for every action of the desktop catalogue.
// One place to change a price; an organisation may override any of them (admin route
// PUT /v1/admin/orgs/:id/prices). The server alone decides what an action costs —
// never trust a cost sent by a client. No I/O here.

export interface PriceEntry {
  credits: number;
  /** what one unit of quantity is */
  unit: string;
}

export const DEFAULT_PRICE_LIST = {
  'http.request': { credits: 1, unit: 'request' },
  'company.linkedin.byUrl': { credits: 1, unit: 'company' },
  'company.linkedin.byName': { credits: 2, unit: 'company' },
  'company.employees': { credits: 1, unit: 'contact added' },
  'company.jobs': { credits: 2, unit: 'company' },
  'company.peoplePerCountry': { credits: 2, unit: 'company' },
  'person.linkedin.byUrl': { credits: 1, unit: 'person' },
  'person.linkedin.byName': { credits: 2, unit: 'person' },
  'person.email.find': { credits: 3, unit: 'person' },
  'person.phoneEmail.find': { credits: 10, unit: 'person' },
  'email.verify': { credits: 1, unit: 'email' },
  'phone.verify': { credits: 1, unit: 'phone number' },
  'ai.enrich': { credits: 1, unit: 'row' },
  'linkedin.import': { credits: 1, unit: 'row imported' },
} as const satisfies Record<string, PriceEntry>;

export type KnownActionId = keyof typeof DEFAULT_PRICE_LIST;

/** action id -> credits per unit */
export const DEFAULT_PRICES: Readonly<Record<string, number>> = Object.freeze(
  Object.fromEntries(Object.entries(DEFAULT_PRICE_LIST).map(([id, p]) => [id, p.credits])),
);

export function isKnownAction(action: string): action is KnownActionId {
  return Object.hasOwn(DEFAULT_PRICE_LIST, action);
}

/** The organisation's prices: the defaults with its overrides on top. */
export function effectivePrices(overrides: Readonly<Record<string, number>>): Record<string, number> {
  const prices: Record<string, number> = { ...DEFAULT_PRICES };
  for (const [action, credits] of Object.entries(overrides))
    if (isKnownAction(action)) prices[action] = credits;
  return prices;
}
