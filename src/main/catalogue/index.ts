// Every action of the catalogue and every provider behind them, in one list each: the
// engine's registry, the settings screen and `rowsmith actions` all read these.
import type { ActionDefinition } from '../engine/actions';
import * as ai from './ai';
import * as email from './email';
import * as finder from './finder';
import * as linkedin from './linkedin';
import { companyEmployees } from './people/company-employees';
import { phoneVerify, twilioLookup } from './phone-verify';
import type { ProviderAdapter } from './providers';
import { infoplug } from './search-import/infoplug';
import { pronto } from './search-import/pronto';

export const CATALOGUE: ActionDefinition[] = [
  ...linkedin.actions,
  companyEmployees,
  ...finder.actions,
  ...email.actions,
  phoneVerify,
  ...ai.actions,
];

export const PROVIDERS: ProviderAdapter[] = [
  ...linkedin.providers,
  pronto,
  infoplug,
  ...finder.providers,
  ...email.providers,
  twilioLookup,
  ...ai.providers,
];

export function providerById(id: string): ProviderAdapter | undefined {
  return PROVIDERS.find((p) => p.id === id);
}
