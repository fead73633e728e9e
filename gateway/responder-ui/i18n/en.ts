// English — complete.
import type { Catalogue, Language } from '@linli/shared/ui/i18n.ts';
import type { Key } from './zh-CN.ts';

const strings: Catalogue<Key> = {
  'app.title': 'Linli — a neighbour needs help',
  'lang.switch': '中文',
  loading: 'Opening…',
  'what.sos': 'pressed the emergency button',
  'what.fall': 'may have fallen',
  'what.other': 'needs help',
  'ago.min': '{n} min ago',
  'ago.now': 'just now',
  'place.building': 'Building {b}',
  'place.unit': 'unit {u}',
  'place.room': 'room {r}',
  'notes.title': 'Notes',
  'others.going': '{n} other neighbour(s) already on the way',
  acked: 'The duty operator has taken the call',
  'you.going': "You answered: I'm going",
  'you.there': "You're there",
  'btn.going': "I'm going",
  'btn.there': "I'm there",
  'btn.ambulance': 'Need an ambulance',
  'btn.falseAlarm': 'False alarm',
  'sent.ambulance': 'The duty operator knows an ambulance is needed. In an emergency call 120 yourself.',
  'sent.falseAlarm': 'The duty operator knows it was a false alarm. Thank you!',
  'err.LINK_EXPIRED': 'This link no longer works (the call is over, or it expired). Thank you!',
  'err.LINK_INVALID': 'This link is not valid.',
  'err.network': 'No connection; please try again.',
  'err.generic': 'Something went wrong; please try again.',
  call120: 'In an emergency call 120',
};

export const en: Language<Key> = { tag: 'en', name: 'English', dir: 'ltr', strings };
