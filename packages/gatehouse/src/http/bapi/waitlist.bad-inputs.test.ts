import { badInputsHarness, getCase } from '../../testing/bad-inputs.js';
import { authCasesFor, bodyCasesFor, type Case, type Endpoint, endpointCase, notFound } from '../../testing/error-cases.js';

/**
 * Waitlist entries (`/v1/waitlist_entries`) against a table of bad inputs (harness:
 * `testing/error-cases.ts`): exact status and code, never a 5xx, Clerk's envelope, nothing changed.
 */

const { fixtures, call, fixture, describeBadInputs } = badInputsHarness();

const ENDPOINTS: Endpoint[] = [
  { method: 'GET', url: '/api/v1/waitlist_entries', body: false },
  { method: 'POST', url: '/api/v1/waitlist_entries', body: true, required: { email_address: 'x@example.com' } },
  { method: 'POST', url: '/api/v1/waitlist_entries/<entry>/invite', body: true },
  { method: 'POST', url: '/api/v1/waitlist_entries/<entry>/reject', body: false },
  { method: 'DELETE', url: '/api/v1/waitlist_entries/<entry>', body: false },
];

const authCases = authCasesFor([...ENDPOINTS, { method: 'POST', url: '/api/v1/waitlist_entries/bulk', body: true }], ['none', 'wrong']);
const bodyCases = bodyCasesFor(ENDPOINTS, ['truncated', 'array', 'textPlain', 'tooDeep', 'unknownParam']);

const create = endpointCase('POST', '/api/v1/waitlist_entries');
const bulk = endpointCase('POST', '/api/v1/waitlist_entries/bulk');
const invite = endpointCase('POST', '/api/v1/waitlist_entries/<entry>/invite');
const entryCases: Case[] = [
  create('no e-mail address', {}, 422, 'form_param_missing', 'email_address'),
  create('e-mail address is a number', { email_address: 5 }, 422, 'form_param_format_invalid', 'email_address'),
  create('not an address', { email_address: 'nobody' }, 422, 'form_param_format_invalid', 'email_address'),
  create('notify is a string', { email_address: 'x@example.com', notify: 'yes' }, 422, 'form_param_format_invalid', 'notify'),
  bulk('not an array', {}, 400, 'malformed_request_body'),
  bulk('an empty array', [], 422, 'form_param_missing', 'email_address'),
  bulk('an item without an address', [{ notify: false }], 422, 'form_param_missing', 'email_address'),
  bulk(
    'an item that is not an address',
    [{ email_address: 'x@example.com' }, { email_address: 'nope' }],
    422,
    'form_param_format_invalid',
    'email_address',
  ),
  bulk(
    '51 items',
    Array.from({ length: 51 }, (_, i) => ({ email_address: `p${i}@example.com` })),
    422,
    'form_param_value_invalid',
    'email_address',
  ),
  invite('ignore_existing is a string', { ignore_existing: 'yes' }, 422, 'form_param_format_invalid', 'ignore_existing'),
  invite('an entry invited already', {}, 400, 'waitlist_entry_not_pending'),
  endpointCase('POST', '/api/v1/waitlist_entries/<rejectedEntry>/reject')('a rejected entry', undefined, 400, 'waitlist_entry_not_pending'),
  endpointCase('POST', '/api/v1/waitlist_entries/<taken>/invite')(
    'an address with an account',
    {},
    422,
    'form_identifier_exists',
    'email_address',
  ),
  notFound('POST', '/api/v1/waitlist_entries/wle_doesNotExist/invite', {}),
  notFound('POST', '/api/v1/waitlist_entries/wle_doesNotExist/reject'),
  notFound('DELETE', '/api/v1/waitlist_entries/wle_doesNotExist'),
  getCase('unknown status', '/api/v1/waitlist_entries?status=lost', 422, 'form_param_value_invalid', 'status'),
  getCase('unknown order_by', '/api/v1/waitlist_entries?order_by=-shoe_size', 422, 'form_param_value_invalid', 'order_by'),
  getCase('limit 0', '/api/v1/waitlist_entries?limit=0', 422, 'form_param_value_invalid', 'limit'),
  getCase('offset not a number', '/api/v1/waitlist_entries?offset=x', 422, 'form_param_format_invalid', 'offset'),
  getCase('unknown parameter', '/api/v1/waitlist_entries?colour=red', 422, 'form_param_unknown', 'colour'),
];

describeBadInputs('BAPI waitlist bad inputs', {
  async arrange() {
    await fixture('/api/v1/users', { email_address: ['taken@example.com'] });
    const entry = await fixture('/api/v1/waitlist_entries', { email_address: 'invited@example.com' });
    await fixture(`/api/v1/waitlist_entries/${entry.id}/invite`, {});
    const rejected = await fixture('/api/v1/waitlist_entries', { email_address: 'rejected@example.com' });
    await fixture(`/api/v1/waitlist_entries/${rejected.id}/reject`, undefined);
    const taken = await fixture('/api/v1/waitlist_entries', { email_address: 'taken@example.com' });
    Object.assign(fixtures, { entry: entry.id, rejectedEntry: rejected.id, taken: taken.id });
  },
  snapshot: async () => ({
    entries: (await call('GET', '/api/v1/waitlist_entries?limit=100')).body,
    invitations: (await call('GET', '/api/v1/invitations?limit=100')).body,
  }),
  tables: { authentication: authCases, 'request bodies': bodyCases, 'waitlist entries': entryCases },
  atLeast: 40,
});
