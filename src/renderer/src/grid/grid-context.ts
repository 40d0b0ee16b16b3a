// What grid-hosted components (headers, cells) may ask of the app. Passed as AG Grid's
// `context`, so renderers stay plain components without their own wiring.
import type { MenuAnchor } from '../components/menu';

export interface GridContext {
  openColumnMenu(columnId: number, anchor: MenuAnchor): void;
  openUrl(url: string): void;
  /** An enrichment cell's audit (provider, credits, raw response, error). */
  openAudit(enrichmentId: number, rowId: number): void;
}
