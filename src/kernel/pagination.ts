import { z } from 'zod';

/** Cursor pagination over time-ordered ids: newest first, `cursor` is the last id of the previous page. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(100).optional(),
});
export type PageQuery = z.infer<typeof pageQuery>;

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** Fetch limit+1 rows, return limit and the next cursor. */
export function toPage<T>(rows: T[], limit: number, idOf: (row: T) => string): Page<T> {
  const more = rows.length > limit;
  const data = more ? rows.slice(0, limit) : rows;
  return { data, next_cursor: more ? idOf(data[data.length - 1]) : null };
}
