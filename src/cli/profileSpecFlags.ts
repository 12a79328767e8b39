/**
 * The ProfileSpec flags `profile`, `sweep` and `agent` share: the spec table (specFlags.ts) and the
 * transport table (transportFlags.ts), re-exported under the name the commands import.
 */
export { addSpecFlags, resolveSpec, type SpecFlags } from './specFlags.js';
export { addTransportFlags, resolveTransport, specForTransport, type TransportChoice, type TransportFlags } from './transportFlags.js';
