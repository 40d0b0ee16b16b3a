// What the Settings → Providers screen sees of the catalogue's providers: who they are,
// whether a key is set (with its last four characters, so the user can tell which one),
// how keys are protected on this computer, and each waterfall's order. Never a key: the
// renderer sends a key once, to set it, and never receives one back. No I/O here.
import { z } from 'zod';

/** Long enough for JWT-style keys; anything longer is a paste gone wrong. */
export const MAX_KEY_LENGTH = 2_048;

export const providerIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'not a provider id');

/** A waterfall is named by the action that runs it (e.g. person.email.find). */
export const waterfallIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'not a waterfall id');

/**
 * A key as pasted: surrounding spaces and line breaks trimmed, none inside (a key with a
 * line break would split the HTTP header it travels in). null removes the key. The
 * messages never echo the value.
 */
export const providerKeySchema = z
  .string()
  .trim()
  .min(1, 'Paste the key, or remove it.')
  .max(MAX_KEY_LENGTH, `An API key is at most ${MAX_KEY_LENGTH} characters; check what was pasted.`)
  .regex(/^\P{Cc}*$/u, 'An API key cannot contain line breaks, tabs or other control characters.')
  .nullable();

export interface ProviderEntry {
  id: string;
  name: string;
  /** the provider's API documentation (http or https) */
  docsUrl: string;
  capabilities: string[];
  needsKey: boolean;
  /** what the provider's site calls the key ("API key", "Secret key") */
  keyLabel: string | null;
  hasKey: boolean;
  /** "…abcd": the key's last four characters, or null when none is set */
  keyHint: string | null;
  /** the adapter has a connection test */
  canTest: boolean;
}

export interface ProviderList {
  /** 'os-keychain': encrypted by the OS (Electron); 'key-file': by a key file beside the secrets */
  protection: 'os-keychain' | 'key-file';
  providers: ProviderEntry[];
}

export interface ConnectionTest {
  ok: boolean;
  message: string;
}

export interface WaterfallProvider {
  id: string;
  name: string;
  enabled: boolean;
  needsKey: boolean;
  hasKey: boolean;
}

export interface WaterfallInfo {
  /** the action's id */
  id: string;
  /** the action's name */
  name: string;
  /** enabled providers in the order they are asked, then the disabled ones */
  providers: WaterfallProvider[];
  /** false: the catalogue's default order */
  custom: boolean;
}
