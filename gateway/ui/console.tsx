// Entry of the alarm console (index.html).
import '@linli/shared/ui/theme.css';
import '@linli/shared/ui/desk.css';
import './console.css';
import { render } from 'preact';
import { ConsoleApp } from './ConsoleApp.tsx';

render(<ConsoleApp />, document.getElementById('app')!);
