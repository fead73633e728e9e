// A small bar chart (SVG) of counts per period, with the numbers as text for screen readers.
import css from './bar-chart.module.css';

interface Props {
  title: string;
  bars: { label: string; value: number }[];
}

export function BarChart({ title, bars }: Props) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const w = 40;
  const h = 140;
  return (
    <figure class={css.figure}>
      <figcaption>{title}</figcaption>
      <svg
        role="img"
        aria-label={`${title}: ${bars.map((b) => `${b.label} ${b.value}`).join(', ')}`}
        viewBox={`0 0 ${Math.max(1, bars.length) * w} ${h + 36}`}
        class={css.svg}
        style={{ maxWidth: `${Math.max(1, bars.length) * w * 1.5}px` }}
      >
        {bars.map((b, i) => {
          const bh = (b.value / max) * h;
          return (
            <g key={b.label}>
              <rect x={i * w + 6} y={h - bh + 16} width={w - 12} height={bh} class={css.bar} />
              <text x={i * w + w / 2} y={h - bh + 12} text-anchor="middle" class={css.value}>
                {b.value}
              </text>
              <text x={i * w + w / 2} y={h + 32} text-anchor="middle" class={css.label}>
                {b.label.slice(5) || b.label}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
