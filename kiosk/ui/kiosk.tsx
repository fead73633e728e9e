// Entry of the resident kiosk (index.html).
import '@linli/shared/ui/theme.css';
import { render } from 'preact';
import { KioskApp } from './KioskApp.tsx';

render(<KioskApp />, document.getElementById('app')!);
