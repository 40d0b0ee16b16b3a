// The finder area: "Find email" and "Find phone and email" over the finder providers,
// with the email verifier for the optional verification step and the pattern guesses.
import type { ActionDefinition } from '../../engine/actions';
import { verifyEmail } from '../email/verifier';
import type { ProviderAdapter } from '../providers';
import { finderActions } from './actions';
import { patternProvider } from './pattern';
import { FINDER_ADAPTERS } from './providers';

export const actions: ActionDefinition[] = finderActions(FINDER_ADAPTERS, verifyEmail);
export const providers: ProviderAdapter[] = [...FINDER_ADAPTERS, patternProvider];
