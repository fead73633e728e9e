// Reasons the print queue writes on a job that it reads back (print-store.ts derives `paper`).
/** The job reached its end on paper (GS r 1 answered) although the printer stopped right after. */
export const PRINTED_COMPLETE = '已完整打印，随后纸用完 / printed completely, then the paper ran out';
/** The printer confirms finished jobs and did not confirm this one: it stopped before the end. */
export const NOT_COMPLETE = '小票未打完，请重打 / the ticket did not print completely; retry to reprint';
