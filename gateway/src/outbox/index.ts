export { CENTER, type ForwardingHealth, Uplink, uplinkConfigured } from './uplink.ts';
