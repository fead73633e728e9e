// Entry of the responder's page (/responder/#<token>): the token is in the fragment, which the
// browser never sends anywhere; the page passes it in the Authorization header of its calls.
import '@linli/shared/ui/theme.css';
import './responder.css';
import { render } from 'preact';
import { ResponderPage } from './ResponderPage.tsx';

const token = location.hash.slice(1);
render(<ResponderPage token={token} />, document.getElementById('app')!);
