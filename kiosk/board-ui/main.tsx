// Entry of the display board (index.html).
import '@linli/shared/ui/theme.css';
import { ErrorBoundary } from '@linli/shared/ui/components/error-boundary/ErrorBoundary.tsx';
import { render } from 'preact';
import { Board } from './Board.tsx';
import { zh } from './i18n/index.ts';

render(
  <ErrorBoundary message={zh.t('board.failed')}>
    <Board />
  </ErrorBoundary>,
  document.getElementById('app')!,
);
