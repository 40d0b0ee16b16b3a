// "Run column": choose which rows (all, the rows in view, the selected rows) and which of
// them (not yet paid for, only empty, only failed), see the quote — rows, the most it can
// cost, credits left — and confirm. The quote comes from the main process, computed by
// the same selection the run will use, so what is quoted is what runs.
import type { EnrichmentInfo, RunQuote, RunScopeInput } from '@shared/enrichment';
import type { ViewSpec } from '@shared/model';
import { useEffect, useMemo, useState } from 'react';
import { call, errorMessage } from '../api';
import { FormError } from '../components/form-error';
import { Modal } from '../components/modal';
import { formatCount, plural } from '../format';
import type { GridSelection } from '../grid/selection';
import { isFiltered } from '../grid/view';
import { runStore } from '../state/runs';

export type RunOnly = 'all' | 'empty' | 'failed';

interface RunDialogProps {
  enrichment: EnrichmentInfo;
  view: ViewSpec | null;
  selection: GridSelection;
  initialOnly?: RunOnly;
  onClose(): void;
}

type Target = 'all' | 'view' | 'selected';

export function RunDialog({ enrichment, view, selection, initialOnly = 'all', onClose }: RunDialogProps) {
  const selectedIds = selection.kind === 'ids' ? selection.ids : [];
  const selectedView = selection.kind === 'view' && selection.exceptIds.length === 0 ? selection.view : null;
  const canSelected = selectedIds.length > 0 || selectedView !== null;
  const canView = view !== null && isFiltered(view);
  const [target, setTarget] = useState<Target>('all');
  const [only, setOnly] = useState<RunOnly>(initialOnly);
  const [quote, setQuote] = useState<RunQuote | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const scope = useMemo<RunScopeInput>(() => {
    if (target === 'selected' && selectedView) return { target: { kind: 'view', view: selectedView }, only };
    if (target === 'selected' && selectedIds.length > 0)
      return { target: { kind: 'rows', rowIds: selectedIds.slice(0, 1_000_000) }, only };
    if (target === 'view' && view) return { target: { kind: 'view', view }, only };
    return { target: { kind: 'all' }, only };
  }, [target, only, view, selectedIds, selectedView]);

  useEffect(() => {
    let current = true;
    setQuote(null);
    setError(null);
    call('enrichments/quote', { enrichmentId: enrichment.id, scope })
      .then((q) => current && setQuote(q))
      .catch((err) => current && setError(errorMessage(err)));
    return () => {
      current = false;
    };
  }, [enrichment.id, scope]);

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      runStore.add(await call('runs/start', { enrichmentId: enrichment.id, scope }));
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  const short = quote ? quote.maxCredits > quote.creditsLeft : false;
  const nothing = quote !== null && quote.rows === 0 && quote.skippedByCondition === 0;

  return (
    <Modal title={`Run “${enrichment.name}”`} onClose={onClose} testId="run-dialog">
      <div className="form">
        <fieldset className="field-group">
          <legend>Rows</legend>
          <label className="field checkbox">
            <input type="radio" checked={target === 'all'} onChange={() => setTarget('all')} />
            <span>All rows</span>
          </label>
          <label className="field checkbox" title={canView ? undefined : 'No filter or search is set'}>
            <input
              type="radio"
              checked={target === 'view'}
              disabled={!canView}
              onChange={() => setTarget('view')}
              data-testid="run-target-view"
            />
            <span>The rows in view (filtered)</span>
          </label>
          <label className="field checkbox" title={canSelected ? undefined : 'No rows are selected'}>
            <input
              type="radio"
              checked={target === 'selected'}
              disabled={!canSelected}
              onChange={() => setTarget('selected')}
              data-testid="run-target-selected"
            />
            <span>
              The selected rows
              {selectedIds.length > 0 ? ` (${formatCount(selectedIds.length)})` : ''}
            </span>
          </label>
        </fieldset>
        <label className="field">
          <span>Which of them</span>
          <select value={only} onChange={(e) => setOnly(e.target.value as RunOnly)} data-testid="run-only">
            <option value="all">Every row without a result yet</option>
            <option value="empty">Only cells never run</option>
            <option value="failed">Only failed cells (errors, out of credits, cancelled)</option>
          </select>
        </label>
        <div className="quote" data-testid="run-quote" aria-live="polite">
          {quote ? (
            <>
              <p className="quote-main" data-testid="run-quote-main">
                {plural(quote.rows, 'row')} to run · at most {plural(quote.maxCredits, 'credit')}
              </p>
              <p className="muted">
                {quote.pricePerRow} {quote.pricePerRow === 1 ? 'credit' : 'credits'} a row, charged only for
                results: not found, errors and cached answers are free.
                {quote.alreadyDone > 0 &&
                  ` ${plural(quote.alreadyDone, 'row')} already paid for are left out.`}
                {quote.skippedByCondition > 0 &&
                  ` ${plural(quote.skippedByCondition, 'row')} left out by the “only run if” condition.`}
              </p>
              <p className={short ? 'form-warning' : 'muted'} data-testid="run-credits-left">
                {formatCount(quote.creditsLeft)} credits left
                {short && ' — rows past that are marked “out of credits” and cost nothing.'}
              </p>
            </>
          ) : error ? null : (
            <p className="muted">Counting the rows…</p>
          )}
        </div>
        <FormError message={error} />
        <div className="modal-footer">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="primary"
            disabled={!quote || busy || nothing}
            onClick={() => void start()}
            data-testid="run-confirm"
          >
            {quote ? `Run ${plural(quote.rows, 'row')}` : 'Run'}
          </button>
        </div>
      </div>
    </Modal>
  );
}
