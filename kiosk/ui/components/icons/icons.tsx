// Simple line icons (24×24, currentColor), always shown beside words, never alone.
import type { JSX } from 'preact';

const Svg = ({ children }: { children: JSX.Element | JSX.Element[] }) => (
  <svg
    viewBox="0 0 24 24"
    width="100%"
    height="100%"
    fill="none"
    stroke="currentColor"
    stroke-width="2"
    stroke-linecap="round"
    stroke-linejoin="round"
    aria-hidden="true"
  >
    {children}
  </svg>
);

const SERVICE: Record<string, JSX.Element | JSX.Element[]> = {
  'social-security': [
    <path key="a" d="M12 2l8 3v6c0 5-3.5 9-8 11-4.5-2-8-6-8-11V5z" />,
    <path key="b" d="M8 12l3 3 5-6" />,
  ],
  'elderly-care': [
    <circle key="a" cx="10" cy="4" r="2" />,
    <path key="b" d="M10 7v6l-3 8M10 13l3 8M7 10h6l3 3M17 13v9" />,
  ],
  'social-assistance': <path d="M12 21s-8-5-8-11a4.5 4.5 0 018-3 4.5 4.5 0 018 3c0 6-8 11-8 11z" />,
  health: [<rect key="a" x="3" y="3" width="18" height="18" rx="3" />, <path key="b" d="M12 7v10M7 12h10" />],
  employment: [
    <rect key="a" x="3" y="7" width="18" height="13" rx="2" />,
    <path key="b" d="M9 7V5a2 2 0 012-2h2a2 2 0 012 2v2M3 13h18" />,
  ],
  disability: [
    <circle key="a" cx="11" cy="4" r="2" />,
    <path key="b" d="M11 7v6h6l2 6M11 10h5" />,
    <path key="c" d="M8 11a6 6 0 108 7" />,
  ],
  household: [
    <path key="a" d="M3 11l9-8 9 8" />,
    <path key="b" d="M5 10v10h14V10" />,
    <path key="c" d="M10 20v-6h4v6" />,
  ],
  legal: [
    <path key="a" d="M12 3v18M6 21h12M4 7h16" />,
    <path key="b" d="M4 7l-2 6a3 3 0 006 0zM20 7l-2 6a3 3 0 006 0z" />,
  ],
  general: [
    <circle key="a" cx="12" cy="12" r="9" />,
    <path key="b" d="M9.5 9a2.5 2.5 0 115 0c0 2-2.5 2-2.5 4M12 17h.01" />,
  ],
};

export const ServiceIcon = ({ id }: { id: string }) => <Svg>{SERVICE[id] ?? SERVICE.general!}</Svg>;

export const CardIcon = () => (
  <Svg>
    <rect x="2" y="5" width="20" height="14" rx="2" />
    <circle cx="8" cy="12" r="2.5" />
    <path d="M13 10h6M13 14h4" />
  </Svg>
);

export const ScanIcon = () => (
  <Svg>
    <path d="M3 7V3h4M17 3h4v4M21 17v4h-4M7 21H3v-4M7 8h3v3H7zM14 8h3v3h-3zM7 14h3v3H7zM14 14h3v3h-3z" />
  </Svg>
);

export const StarIcon = () => (
  <Svg>
    <path d="M12 3l2.8 5.7 6.2.9-4.5 4.4 1 6.2L12 17.3 6.5 20.2l1-6.2L3 9.6l6.2-.9z" />
  </Svg>
);

export const HomeIcon = () => (
  <Svg>
    <path d="M3 11l9-8 9 8M5 10v10h14V10" />
  </Svg>
);

export const AlertIcon = () => (
  <Svg>
    <path d="M12 3l10 18H2z" />
    <path d="M12 10v5M12 18h.01" />
  </Svg>
);

export const CheckIcon = () => (
  <Svg>
    <circle cx="12" cy="12" r="9" />
    <path d="M8 12l3 3 5-6" />
  </Svg>
);
