// Entry of the admin and statistics screen (index.html).
import '@linli/shared/ui/theme.css';
import '@linli/shared/ui/desk.css';
import './admin.css';
import { render } from 'preact';
import { AdminApp } from './AdminApp.tsx';

render(<AdminApp />, document.getElementById('app')!);
