// Entry of the window console (index.html).
import '@linli/shared/ui/theme.css';
import '@linli/shared/ui/desk.css';
import './window.css';
import { ErrorBoundary } from '@linli/shared/ui/components/error-boundary/ErrorBoundary.tsx';
import { render } from 'preact';
import { makeT } from './i18n/index.ts';
import { WindowApp } from './WindowApp.tsx';

render(
  <ErrorBoundary message={makeT(localStorage.getItem('linli.window.lang')).t('app.failed')}>
    <WindowApp />
  </ErrorBoundary>,
  document.getElementById('app')!,
);
