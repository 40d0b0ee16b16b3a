// Which LinkedIn source answers a column: the one the user picked (option `provider`),
// else the first in the user's order (or the catalogue's) that has a key, else the
// key-less public page reader where the action can use it. The choice is made when the
// column runs (prepare), so its provider id drives the scheduler's rate limit; the key
// itself is read again at each call, so a key entered later applies.
import { AppError } from '@shared/errors';
import type { PrepareContext } from '../../engine/actions';
import { blitz } from './blitz';
import { enrichLayer } from './enrichlayer';
import { peopleDataLabs } from './pdl';
import { linkedInPublic } from './public-page';
import type { LinkedInSource } from './types';

/** Every source, in the catalogue's default order: paid APIs first, the public page last. */
export const LINKEDIN_SOURCES: LinkedInSource[] = [enrichLayer, peopleDataLabs, blitz, linkedInPublic];

export type SourceMethod =
  | 'companyByUrl'
  | 'companySearch'
  | 'personByUrl'
  | 'personSearch'
  | 'companyJobs'
  | 'peoplePerCountry'
  | 'companyEmployees';

export function sourcesWith(method: SourceMethod): LinkedInSource[] {
  return LINKEDIN_SOURCES.filter((s) => typeof s[method] === 'function');
}

export function chooseSource(
  actionId: string,
  actionName: string,
  method: SourceMethod,
  options: Record<string, unknown>,
  context: PrepareContext,
): LinkedInSource {
  const candidates = sourcesWith(method);
  const wanted = options.provider;
  if (wanted !== undefined && wanted !== null && wanted !== '') {
    const picked = candidates.find((s) => s.provider.id === wanted);
    if (!picked) {
      throw new AppError(
        'invalid_input',
        `${actionName}: “${String(wanted)}” cannot answer this; choose one of ${candidates.map((s) => s.provider.id).join(', ')}.`,
      );
    }
    return picked;
  }
  const order = context.providers.order(actionId);
  const ordered = order ? order.flatMap((id) => candidates.filter((s) => s.provider.id === id)) : candidates;
  const list = ordered.length ? ordered : candidates;
  const keyed = list.find((s) => s.provider.needsKey && context.providers.call(s.provider).key);
  const chosen = keyed ?? list.find((s) => !s.provider.needsKey) ?? list[0];
  if (!chosen) throw new AppError('internal', `${actionName}: no provider serves this.`);
  return chosen;
}
