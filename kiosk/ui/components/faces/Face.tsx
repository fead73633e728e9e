// The five rating faces (5 very satisfied … 1 very dissatisfied): the mouth's curve and the
// words say it, colour only helps.
const MOUTH: Record<number, string> = {
  5: 'M7 14c2 4 8 4 10 0',
  4: 'M8 15c2 2 6 2 8 0',
  3: 'M8 16h8',
  2: 'M8 17c2-2 6-2 8 0',
  1: 'M7 18c2-4 8-4 10 0',
};

export const Face = ({ rating }: { rating: number }) => (
  <svg
    viewBox="0 0 24 24"
    width="100%"
    height="100%"
    fill="none"
    stroke="currentColor"
    stroke-width="1.6"
    aria-hidden="true"
  >
    <circle cx="12" cy="12" r="10" />
    <circle cx="8.5" cy="9.5" r="1.2" fill="currentColor" />
    <circle cx="15.5" cy="9.5" r="1.2" fill="currentColor" />
    <path d={MOUTH[rating] ?? MOUTH[3]} stroke-linecap="round" />
  </svg>
);
