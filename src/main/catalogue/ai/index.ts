// "Enrich with AI" and the language-model providers it asks.
import type { ActionDefinition } from '../../engine/actions';
import type { ProviderAdapter } from '../providers';
import { aiEnrich } from './ai-enrich';
import { compatibleProvider, openaiProvider } from './openai-provider';

export const actions: ActionDefinition[] = [aiEnrich];
export const providers: ProviderAdapter[] = [openaiProvider, compatibleProvider];
