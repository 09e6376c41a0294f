/**
 * The contract checker's documented exception: `GET …/attachments/{id}/$value` is documented by
 * Microsoft but absent from the OpenAPI description; only the documented form passes.
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
