/**
 * The contract checker's documented exceptions: `GET …/attachments/{id}/$value` and
 * `POST …/messages/{id}/permanentDelete` are documented by Microsoft but absent from the OpenAPI
 * description; only the documented form passes.
 */
import { GraphContract } from '../../support/graph-contract';

describe('Graph contract: attachment $value', () => {
	let contract: GraphContract;
	beforeAll(async () => {
		contract = await GraphContract.load();
	});

	it.each([
		'/me/messages/AAMk%3D/attachments/AAMkATT%3D/$value',
		'/users/shared%40contoso.com/messages/AAMk%3D/attachments/A1/$value',
		'/me/mailFolders/inbox/messages/AAMk%3D/attachments/A1/$value',
	])('allows GET %s', (path) => {
		expect(contract.check({ method: 'GET', path, query: {} })).toEqual([]);
	});

	it('refuses other methods, query options and longer paths', () => {
		const path = '/me/messages/AAMk%3D/attachments/A1/$value';
		expect(contract.check({ method: 'DELETE', path, query: {} })).toHaveLength(1);
		expect(contract.check({ method: 'GET', path, query: { $select: 'name' } })).toHaveLength(1);
		expect(contract.check({ method: 'GET', path: `${path}/extra`, query: {} })).not.toEqual([]);
	});
});

describe('Graph contract: message permanentDelete', () => {
	let contract: GraphContract;
	beforeAll(async () => {
		contract = await GraphContract.load();
	});

	it.each([
		'/me/messages/AAMk%3D/permanentDelete',
		'/users/shared%40contoso.com/messages/AAMk%3D/permanentDelete',
		'/users/shared%40contoso.com/mailFolders/inbox/messages/AAMk%3D/permanentDelete',
	])('allows POST %s without a body', (path) => {
		expect(contract.check({ method: 'POST', path, query: {} })).toEqual([]);
		expect(contract.check({ method: 'POST', path, query: {}, body: {} })).toEqual([]);
	});

	it('refuses other methods, a body, query options and other actions', () => {
		const path = '/me/messages/AAMk%3D/permanentDelete';
		expect(contract.check({ method: 'DELETE', path, query: {} })).toHaveLength(1);
		expect(contract.check({ method: 'POST', path, query: {}, body: { id: 'x' } })).toHaveLength(1);
		expect(contract.check({ method: 'POST', path, query: { $select: 'id' } })).toHaveLength(1);
		expect(
			contract.check({ method: 'POST', path: '/me/messages/AAMk%3D/purge', query: {} }),
		).not.toEqual([]);
	});
});
