// A small bar chart (SVG) of values per label (days, hours, services), with the numbers as text for
// screen readers. Shared by the alarm console's reports and the kiosk's statistics: plain SVG, no
// chart library (a bar per group is all either screen draws).
import css from './bar-chart.module.css';

interface Props {
  title: string;
  bars: { label: string; value: number }[];
  /** The label under a bar (e.g. '2026-11-23' → '11-23'); the full label stays in the text. */
  short?: (label: string) => string;
  /** The number written above a bar (e.g. seconds as minutes). */
  format?: (value: number) => string;
}

export function BarChart({ title, bars, short = (l) => l, format = String }: Props) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const w = 40;
  const every = Math.ceil(bars.length / 10); // at most ~10 labels
  const h = 140;
  return (
    <figure class={css.figure}>
      <figcaption>{title}</figcaption>
      <svg
        role="img"
        aria-label={`${title}: ${bars.map((b) => `${b.label} ${format(b.value)}`).join(', ')}`}
        viewBox={`0 0 ${Math.max(1, bars.length) * w} ${h + 36}`}
        class={css.svg}
      >
        <line x1={0} x2={Math.max(1, bars.length) * w} y1={h + 16} y2={h + 16} class={css.axis} />
        {bars.map((b, i) => {
          const bh = (b.value / max) * h;
          return (
            <g key={b.label}>
              <rect x={i * w + 6} y={h - bh + 16} width={w - 12} height={bh} class={css.bar} />
              {b.value > 0 && (
                <text x={i * w + w / 2} y={h - bh + 12} text-anchor="middle" class={css.value}>
                  {format(b.value)}
                </text>
              )}
              {(i % every === 0 || i === bars.length - 1) && (
                <text x={i * w + w / 2} y={h + 32} text-anchor="middle" class={css.label}>
                  {short(b.label)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
