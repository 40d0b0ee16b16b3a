// The grid's look through AG Grid's Theming API (no legacy CSS files): Quartz, tightened
// for dense data work, in the system font so nothing is fetched from the internet.
import { themeQuartz } from 'ag-grid-community';

export const SYSTEM_FONT = [
  '-apple-system',
  'BlinkMacSystemFont',
  'Segoe UI',
  'Roboto',
  'Helvetica Neue',
  'Arial',
  'sans-serif',
];

export const gridTheme = themeQuartz.withParams({
  fontFamily: SYSTEM_FONT,
  fontSize: 13,
  headerFontSize: 12,
  headerFontWeight: 600,
  spacing: 5,
  rowHeight: 28,
  headerHeight: 32,
  accentColor: '#2f6fde',
  foregroundColor: '#1f2328',
  backgroundColor: '#ffffff',
  headerBackgroundColor: '#f6f7f9',
  borderColor: '#e3e6ea',
  rowBorder: { color: '#eef0f2' },
  oddRowBackgroundColor: '#ffffff',
  wrapperBorder: false,
  wrapperBorderRadius: 0,
  browserColorScheme: 'light',
  cellHorizontalPadding: 8,
});
