// The options each action declares for the Add column form (ActionInfo.options): their
// defaults, as the form sends them, are accepted by the action's own checks, and so are
// values the form can produce (every choice, the bounds of a count, a comma-separated
// list); values the form can never send are still refused by the action.
import type { ActionOption, ActionOptionValue } from '@shared/enrichment';
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../../src/main/catalogue';
import { DEFAULT_NETWORK, type ProviderAccess } from '../../../src/main/catalogue/providers';
import type { ActionDefinition } from '../../../src/main/engine/actions';

const providers: ProviderAccess = {
  call: (provider) => ({ key: 'test-key', baseUrl: provider.baseUrl }),
  order: () => null,
  network: DEFAULT_NETWORK,
};

const prepare = (action: ActionDefinition, options: Record<string, unknown>) =>
  action.prepare(options, {
    inputs: Object.fromEntries(action.info.inputs.map((i) => [i.key, i.label])),
    providers,
  });

const defaults = (options: ActionOption[]) => Object.fromEntries(options.map((o) => [o.key, o.default]));

/** Values the form can send for one option besides its default. */
function formValues(o: ActionOption): ActionOptionValue[] {
  switch (o.type) {
    case 'boolean':
      return [true, false];
    case 'integer':
      return [o.min, o.max];
    case 'text':
      return [''];
    case 'choices':
      return [o.choices.map((c) => c.value), ...o.choices.map((c) => [c.value])];
  }
}

const withOptions = CATALOGUE.filter((a) => a.info.options?.length);

describe('declared action options', () => {
  it('are declared by the actions whose forms need them', () => {
    expect(withOptions.map((a) => a.info.id).sort()).toEqual(['company.employees', 'company.jobs']);
  });

  for (const action of withOptions) {
    const options = action.info.options as ActionOption[];
    it(`${action.info.id}: the defaults and every value the form can send are accepted`, () => {
      expect(() => prepare(action, defaults(options))).not.toThrow();
      for (const o of options)
        for (const value of formValues(o))
          expect(
            () => prepare(action, { ...defaults(options), [o.key]: value }),
            `${o.key}=${value}`,
          ).not.toThrow();
    });
  }

  it('Add contacts: a comma-separated title list, a lower-case country and seniorities from the form', () => {
    const employees = withOptions.find((a) => a.info.id === 'company.employees') as ActionDefinition;
    const prepared = prepare(employees, {
      maxCount: 10,
      titleKeywords: 'sales, marketing , ',
      seniority: ['cxo', 'vp'],
      country: 'de',
    });
    expect(prepared.maxUnits).toBe(10);
    expect(() => prepare(employees, { country: 'Germany' })).toThrow(/two-letter ISO code/);
    expect(() => prepare(employees, { seniority: ['overlord'] })).toThrow(/is not a seniority/);
    expect(() => prepare(employees, { maxCount: 101 })).toThrow(/between 1 and 100/);
  });
});
