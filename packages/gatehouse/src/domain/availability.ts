/**
 * Whether an error means the database cannot be reached right now (rather than a bug). The store
 * knows its drivers' errors; the HTTP layer, which never imports the store, asks here and answers 503.
 */
export { isDatabaseUnavailable } from '../store/errors.js';
