// Row → record mapping shared by the SQL modules: a nullable column becomes an absent field.

/** Copies each of `columns` (column name → field name) that is not SQL NULL from `row` into
 *  `into`; returns `into`. Used where a record's optional fields come from nullable columns. */
export function withPresent<T extends object, R extends object>(
  into: T,
  row: R,
  columns: { [C in keyof R]?: keyof T },
): T {
  for (const [column, field] of Object.entries(columns) as [keyof R, keyof T][]) {
    const v = row[column];
    if (v !== null && v !== undefined) (into as Record<keyof T, unknown>)[field] = v;
  }
  return into;
}
