// The fields that say when an enrichment column runs, shared by "Add column" and the
// column's settings: the "only run if" condition, and auto-run with its credit cap.
export interface RunRules {
  condition: string;
  autoRun: boolean;
  creditCap: number;
}

export function RunRulesFields({
  rules,
  onChange,
  testIdPrefix,
}: {
  rules: RunRules;
  onChange(rules: RunRules): void;
  testIdPrefix: string;
}) {
  const set = (patch: Partial<RunRules>) => onChange({ ...rules, ...patch });
  return (
    <>
      <label className="field">
        <span>Only run if (optional)</span>
        <input
          value={rules.condition}
          onChange={(e) => set({ condition: e.target.value })}
          placeholder='Country == "DE" and Employees > 50'
          spellCheck={false}
          data-testid={`${testIdPrefix}-condition`}
        />
      </label>
      <div className="form-row">
        <label className="field checkbox">
          <input
            type="checkbox"
            checked={rules.autoRun}
            onChange={(e) => set({ autoRun: e.target.checked })}
            data-testid={`${testIdPrefix}-autorun`}
          />
          <span>Run by itself on new and changed rows</span>
        </label>
        {rules.autoRun && (
          <label className="field inline">
            <span>spending at most</span>
            <input
              type="number"
              min={1}
              value={rules.creditCap}
              onChange={(e) => set({ creditCap: Math.max(1, Math.round(Number(e.target.value))) })}
              data-testid={`${testIdPrefix}-cap`}
            />
            <span>credits in all</span>
          </label>
        )}
      </div>
    </>
  );
}
