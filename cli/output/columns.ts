/** One column of a table or CSV listing: its header and how a row fills it. */
export interface Column<T> {
  readonly header: string;
  readonly value: (row: T) => string | number | boolean | undefined | null;
  /** Widest a table cell of this column prints; a longer one is cut with "…". @default no limit */
  readonly maxWidth?: number;
}

/** A cell's text: absent values are empty. */
export function cellText(value: string | number | boolean | undefined | null): string {
  return value === undefined || value === null ? '' : String(value);
}
