// A QR code drawn in the browser as one SVG path (uqr's encoder; dark modules on white with the
// quiet zone, so phones read it in the high-contrast theme too).
import { encode } from 'uqr';

export function qrPath(text: string): { size: number; d: string } {
  const { data, size } = encode(text, { ecc: 'M', border: 2 });
  let d = '';
  data.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) d += `M${x} ${y}h1v1h-1z`;
    });
  });
  return { size, d };
}

export function Qr({ text, label, px = 280 }: { text: string; label: string; px?: number }) {
  const { size, d } = qrPath(text);
  return (
    <svg
      role="img"
      aria-label={label}
      width={px}
      height={px}
      viewBox={`0 0 ${size} ${size}`}
      shape-rendering="crispEdges"
      style={{ background: '#fff', display: 'block' }}
    >
      <path d={d} fill="#000" />
    </svg>
  );
}
