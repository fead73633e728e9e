// Horizontal bars for values per named group (services, windows, staff): a long Chinese name
// fits on the left, which the shared vertical BarChart (hours, days) has no room for. SVG, the
// numbers as text and in the label for screen readers.
interface Props {
  title: string;
  bars: { label: string; value: number }[];
  format?: (value: number) => string;
}

export function HBarChart({ title, bars, format = String }: Props) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const row = 30;
  const labelW = 190;
  const barW = 330;
  return (
    <figure class="hbar">
      <figcaption>{title}</figcaption>
      <svg
        role="img"
        aria-label={`${title}: ${bars.map((b) => `${b.label} ${format(b.value)}`).join(', ')}`}
        viewBox={`0 0 ${labelW + barW + 70} ${Math.max(1, bars.length) * row}`}
      >
        {bars.map((b, i) => (
          <g key={b.label}>
            <text x={labelW - 8} y={i * row + 20} text-anchor="end" class="hbar-label">
              {b.label.length > 10 ? `${b.label.slice(0, 10)}…` : b.label}
            </text>
            <rect
              x={labelW}
              y={i * row + 6}
              width={(b.value / max) * barW}
              height={row - 12}
              class="hbar-bar"
            />
            <text x={labelW + (b.value / max) * barW + 6} y={i * row + 20} class="hbar-label">
              {format(b.value)}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
}
