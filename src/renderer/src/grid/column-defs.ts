// Builds AG Grid column definitions from the workbook's typed columns: value getter into
// RowData.cells, the filter, editor and renderer for each type. Filters offer exactly the
// operators the contract accepts, so every filter the user builds can run in SQL.
import { type CellValue, type ColumnInfo, type ColumnType, columnKey, type RowData } from '@shared/model';
import type {
  ColDef,
  SuppressHeaderKeyboardEventParams,
  ValueParserParams,
  ValueSetterParams,
} from 'ag-grid-community';
import {
  BooleanCell,
  EmailCell,
  EnrichmentCell,
  type EnrichmentCellParams,
  JsonCell,
  PhoneCell,
  UrlCell,
} from './cell-renderers';
import type { GridContext } from './grid-context';
import { HeaderLabel, type HeaderLabelParams } from './header-label';

const TEXT_OPTIONS = [
  'contains',
  'notContains',
  'equals',
  'notEqual',
  'startsWith',
  'endsWith',
  'blank',
  'notBlank',
];
const NUMBER_OPTIONS = [
  'equals',
  'notEqual',
  'lessThan',
  'lessThanOrEqual',
  'greaterThan',
  'greaterThanOrEqual',
  'inRange',
  'blank',
  'notBlank',
];
const DATE_OPTIONS = ['equals', 'notEqual', 'lessThan', 'greaterThan', 'inRange', 'blank', 'notBlank'];

type Def = ColDef<RowData, CellValue>;

function filterFor(type: ColumnType): Pick<Def, 'filter' | 'filterParams'> {
  const common = { maxNumConditions: 4, buttons: ['reset'] as const };
  switch (type) {
    case 'number':
      return { filter: 'agNumberColumnFilter', filterParams: { ...common, filterOptions: NUMBER_OPTIONS } };
    case 'date':
      return { filter: 'agDateColumnFilter', filterParams: { ...common, filterOptions: DATE_OPTIONS } };
    default:
      return { filter: 'agTextColumnFilter', filterParams: { ...common, filterOptions: TEXT_OPTIONS } };
  }
}

function editorFor(type: ColumnType): Pick<Def, 'cellEditor' | 'cellEditorParams' | 'cellEditorPopup'> {
  switch (type) {
    // A plain text editor, not agNumberCellEditor: the browser's number field reads text it
    // cannot parse ("-", "1e999") as empty, so a typo silently erased the cell. The typed
    // text goes to the workbook, which converts it or answers with a clear error.
    case 'number':
      return { cellEditor: 'agTextCellEditor' };
    case 'boolean':
      return { cellEditor: 'agCheckboxCellEditor' };
    case 'date':
      return { cellEditor: 'agDateStringCellEditor' };
    case 'json':
      return {
        cellEditor: 'agLargeTextCellEditor',
        cellEditorPopup: true,
        cellEditorParams: { maxLength: 1_000_000 },
      };
    default:
      return { cellEditor: 'agTextCellEditor' };
  }
}

function rendererFor(type: ColumnType): Def['cellRenderer'] {
  switch (type) {
    case 'url':
      return UrlCell;
    case 'email':
      return EmailCell;
    case 'phone':
      return PhoneCell;
    case 'boolean':
      return BooleanCell;
    case 'json':
      return JsonCell;
    default:
      return undefined;
  }
}

/** Editors hand back '' for a cleared text cell; the workbook stores that as empty (null). */
function parseValue(params: ValueParserParams<RowData, CellValue>): CellValue {
  const v = params.newValue as unknown;
  if (v === undefined || v === '') return null;
  if (typeof v === 'number' && Number.isNaN(v)) return null;
  return v as CellValue;
}

function setValue(key: string) {
  return (params: ValueSetterParams<RowData, CellValue>): boolean => {
    if (!params.data) return false;
    const value = (params.newValue ?? null) as CellValue;
    const current = params.data.cells[key];
    // (a number cell edited without a change comes back as its text)
    if (current === value || (typeof current === 'number' && String(current) === value)) return false;
    // Replace, never mutate: the previous object is what we restore if the write fails.
    params.data.cells = { ...params.data.cells, [key]: value };
    return true;
  };
}

/** The menu key, Shift+F10 or Alt+Down on a focused header opens the column menu. */
function headerKeys(columnId: number) {
  return (params: SuppressHeaderKeyboardEventParams<RowData, CellValue>): boolean => {
    const e = params.event;
    const wants =
      e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey) || (e.key === 'ArrowDown' && e.altKey);
    if (!wants || e.type !== 'keydown' || params.headerRowIndex !== 0) return false;
    e.preventDefault();
    const target = e.target instanceof HTMLElement ? e.target.getBoundingClientRect() : null;
    (params.context as GridContext).openColumnMenu(columnId, {
      x: target?.left ?? 0,
      y: target?.bottom ?? 0,
    });
    return true;
  };
}

export function buildColumnDef(column: ColumnInfo): Def {
  const key = columnKey(column.id);
  const headerParams: HeaderLabelParams = { type: column.type, enrichmentId: column.enrichmentId };
  const typeRenderer = rendererFor(column.type);
  const enrichment: Pick<Def, 'cellRenderer' | 'cellRendererParams'> =
    column.enrichmentId === null
      ? { cellRenderer: typeRenderer }
      : {
          cellRenderer: EnrichmentCell,
          cellRendererParams: {
            enrichmentId: column.enrichmentId,
            inner: typeRenderer,
          } satisfies EnrichmentCellParams,
        };
  return {
    colId: key,
    headerName: column.name,
    hide: column.hidden,
    // Enrichment headers show their run's progress: wide enough to read it.
    width:
      column.width ??
      (column.enrichmentId !== null
        ? 200
        : column.type === 'boolean'
          ? 100
          : column.type === 'number'
            ? 120
            : 180),
    minWidth: 40,
    cellDataType: false,
    valueGetter: (p) => (p.data ? (p.data.cells[key] ?? null) : undefined),
    valueSetter: setValue(key),
    valueParser: parseValue,
    editable: true,
    sortable: true,
    resizable: true,
    headerComponentParams: { innerHeaderComponent: HeaderLabel, innerHeaderComponentParams: headerParams },
    suppressHeaderKeyboardEvent: headerKeys(column.id),
    ...enrichment,
    cellClass: column.type === 'number' ? 'cell-number' : undefined,
    headerClass: column.type === 'number' ? 'header-number' : undefined,
    ...filterFor(column.type),
    ...editorFor(column.type),
  };
}

/** Columns in the workbook's order; hidden ones stay defined so a reorder keeps their place. */
export const buildColumnDefs = (columns: ColumnInfo[]): Def[] =>
  [...columns].sort((a, b) => a.position - b.position).map(buildColumnDef);
