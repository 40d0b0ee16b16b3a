import type { ActionDefinition } from '../../engine/actions';
import type { ProviderAdapter } from '../providers';

export const actions: ActionDefinition[] = [];
export const providers: ProviderAdapter[] = [];
