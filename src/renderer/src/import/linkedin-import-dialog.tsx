// "Import from LinkedIn": paste a people or company search URL (or a Sales Navigator
// search or list), choose the table (Contacts for people, Companies for companies) and
// the most rows, see what it can cost, then follow the import. The quote is asked again
// whenever the inputs change; nothing is spent until Import is pressed.
import { type LinkedInImportQuote, parseSearchUrl, type SearchKind } from '@shared/linkedin-import';
import type { TableInfo } from '@shared/model';
import { useEffect, useState } from 'react';
import { call, errorMessage } from '../api';
import { FormError } from '../components/form-error';
import { Modal } from '../components/modal';
import { formatCount, plural } from '../format';
import { useJobDialog } from '../state/jobs';
import { ImportOutcome, ImportRunning } from './import-run';

interface Props {
  tables: TableInfo[];
  /** the table open now: preselected when it is of the kind the search fills */
  currentTableId: number | null;
  onClose(): void;
}

const TABLE_KIND: Record<SearchKind, 'contacts' | 'companies'> = {
  people: 'contacts',
  companies: 'companies',
};

export function LinkedInImportDialog({ tables, currentTableId, onClose }: Props) {
  const [searchUrl, setSearchUrl] = useState('');
  const kind =
    searchKind(searchUrl) ??
    (tables.find((t) => t.id === currentTableId)?.kind === 'companies' ? 'companies' : 'people');
  const targets = tables.filter((t) => t.kind === TABLE_KIND[kind]);
  const [picked, setPicked] = useState<number | null>(null);
  const tableId =
    targets.find((t) => t.id === picked)?.id ??
    targets.find((t) => t.id === currentTableId)?.id ??
    targets[0]?.id ??
    null;
  const [maxRows, setMaxRows] = useState(100);
  const [quote, setQuote] = useState<LinkedInImportQuote | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const {
    jobId,
    job,
    starting,
    cancelling,
    startError,
    start: startJob,
    cancel,
  } = useJobDialog('import', 'Could not stop the import');

  useEffect(() => {
    setQuote(null);
    setProblem(null);
    if (tableId === null || searchUrl.trim() === '') return;
    let current = true;
    const timer = setTimeout(() => {
      call('linkedin/import-quote', { tableId, searchUrl, maxRows })
        .then((q) => current && setQuote(q))
        .catch((error) => current && setProblem(errorMessage(error)));
    }, 300);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [tableId, searchUrl, maxRows]);

  const start = () => {
    if (tableId === null || !quote) return;
    void startJob(async () => {
      const { jobId: id } = await call('linkedin/import-start', { tableId, searchUrl, maxRows });
      return { jobId: id, title: 'Import from LinkedIn' };
    });
  };

  const finished = job?.finished ?? null;
  const short = quote ? quote.creditsLeft < quote.maxCredits : false;
  const footer = (
    <>
      <button type="button" onClick={onClose} data-testid="linkedin-import-close">
        {finished ? 'Close' : jobId ? 'Hide' : 'Cancel'}
      </button>
      {!jobId && (
        <button
          type="button"
          className="primary"
          onClick={() => void start()}
          disabled={!quote?.providerReady || starting}
          data-testid="linkedin-import-start"
        >
          {starting ? 'Starting…' : 'Import'}
        </button>
      )}
    </>
  );

  return (
    <Modal title="Import from LinkedIn" onClose={onClose} testId="linkedin-import-dialog" footer={footer}>
      {!jobId && (
        <div className="form">
          <label>
            LinkedIn search URL
            <input
              type="url"
              value={searchUrl}
              onChange={(e) => setSearchUrl(e.target.value)}
              placeholder="https://www.linkedin.com/sales/search/people?… or …/sales/search/company?…"
              data-testid="linkedin-import-url"
              // biome-ignore lint/a11y/noAutofocus: the one field the dialog is for
              autoFocus
            />
          </label>
          <p className="muted">
            A people search or lead list fills a Contacts table; a company search or account list fills a
            Companies table. Sales Navigator searches and lists work too.
          </p>
          <label>
            Into
            <select
              value={tableId ?? ''}
              onChange={(e) => setPicked(Number(e.target.value))}
              data-testid="linkedin-import-table"
            >
              {targets.length === 0 && (
                <option value="">No {kind === 'people' ? 'Contacts' : 'Companies'} table</option>
              )}
              {targets.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            At most
            <input
              type="number"
              min={1}
              max={10_000}
              value={maxRows}
              onChange={(e) =>
                setMaxRows(Math.max(1, Math.min(10_000, Math.floor(Number(e.target.value) || 1))))
              }
              data-testid="linkedin-import-max"
            />{' '}
            rows
          </label>
          {quote && (
            <div className="quote" data-testid="linkedin-import-quote">
              <p>
                Up to {plural(quote.maxRows, 'row')} × {plural(quote.pricePerRow, 'credit')} ={' '}
                <strong>{plural(quote.maxCredits, 'credit')}</strong> at most, through {quote.provider}. Only
                new rows are charged;{' '}
                {quote.kind === 'people'
                  ? 'someone already in the table costs nothing.'
                  : 'a company already in the table costs nothing.'}
              </p>
              <p className={short ? 'warning' : 'muted'}>
                {formatCount(quote.creditsLeft)} credits left
                {short ? ': the import stops when they run out.' : '.'}
              </p>
              {!quote.providerReady && (
                <p className="warning" data-testid="linkedin-import-no-key">
                  Add {/^[aeiou]/i.test(quote.provider) ? 'an' : 'a'} {quote.provider} API key in Settings →
                  Providers to import from LinkedIn.
                </p>
              )}
            </div>
          )}
          <FormError message={startError ?? problem} />
        </div>
      )}
      {jobId && !finished && (
        <ImportRunning job={job} onCancel={() => void cancel()} cancelling={cancelling} />
      )}
      {finished && (
        <ImportOutcome info={finished} tableName={tables.find((t) => t.id === tableId)?.name ?? null} />
      )}
    </Modal>
  );
}

/** The kind of search a pasted URL is, or null while it is not one (the quote says why). */
function searchKind(url: string): SearchKind | null {
  try {
    return parseSearchUrl(url).kind;
  } catch {
    return null;
  }
}
