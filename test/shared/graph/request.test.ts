/** Path segments and OData literals built from hostile input, alone and on the wire. */
import {
	buildQueryString,
	mailboxRoot,
	odataString,
	segment,
	UnsafePathSegmentError,
} from '../../../nodes/shared/graph/request';
import {
	connectedCredential,
	expectGraphContractKept,
	startStandIns,
	type StandIns,
} from '../../support/fixtures';
import { N8nHarness } from '../../support/n8n-harness';
import { GraphProbe, PROBE_NODE_TYPE } from '../../support/probe-node';

describe('segment()', () => {
	it.each([
		['../../users/ceo@contoso.com/messages', '..%2F..%2Fusers%2Fceo%40contoso.com%2Fmessages'],
		['a/b', 'a%2Fb'],
		['%2F', '%252F'],
		['?', '%3F'],
		['#', '%23'],
		['AAMkAGI2TG93AAA=', 'AAMkAGI2TG93AAA%3D'],
		['a b+c', 'a%20b%2Bc'],
		['x\\y', 'x%5Cy'],
	])('encodes %j as one segment', (input, encoded) => {
		expect(segment(input)).toBe(encoded);
		expect(decodeURIComponent(segment(input))).toBe(input);
		expect(segment(input)).not.toMatch(/[/?#\\]/);
	});

	it.each(['', '.', '..', '...'])('refuses %j, which URL parsers would collapse', (input) => {
		expect(() => segment(input)).toThrow(UnsafePathSegmentError);
	});

	it('builds the mailbox root from an address', () => {
		expect(mailboxRoot(undefined)).toBe('/me');
		expect(mailboxRoot('me')).toBe('/me');
		expect(mailboxRoot('shared@contoso.com')).toBe('/users/shared%40contoso.com');
		expect(mailboxRoot('../me')).toBe('/users/..%2Fme');
	});
});

describe('odataString()', () => {
	it('doubles single quotes so input cannot leave the literal', () => {
		expect(odataString("inbox') or (1 eq 1")).toBe("'inbox'') or (1 eq 1'");
		expect(odataString("O'Brien")).toBe("'O''Brien'");
		expect(odataString("''")).toBe("''''''");
		expect(odataString('plain')).toBe("'plain'");
	});

	it('is encoded in the query string with $ keys kept', () => {
		expect(
			buildQueryString({
				$filter: `displayName eq ${odataString("inbox') or (1 eq 1")}`,
				$top: 5,
				skip: undefined,
				empty: '',
			}),
		).toBe("?$filter=displayName%20eq%20'inbox'')%20or%20(1%20eq%201'&$top=5");
		expect(buildQueryString({ a: '&b=c#d' })).toBe('?a=%26b%3Dc%23d');
		expect(buildQueryString(undefined)).toBe('');
	});
});

describe('hostile IDs on the wire', () => {
	let s: StandIns;
	let n8n: N8nHarness;

	beforeAll(async () => (s = await startStandIns()));
	afterAll(async () => await s.close());
	beforeEach(() => {
		s.graph.reset();
		n8n = new N8nHarness({ [PROBE_NODE_TYPE]: new GraphProbe() }, connectedCredential(s));
	});
	afterEach(() => expectGraphContractKept(s.graph));

	it.each(['../../users/ceo@contoso.com/messages', 'a/b', '%2F', '?', '#', 'id?$select=x#frag'])(
		'%j stays one message ID',
		async (id) => {
			let seen: string | undefined;
			s.graph.on('GET', '/me/messages/:id', (_request, params) => {
				seen = params.id;
				return { body: { id: params.id } };
			});
			const [out] = await n8n.execute(PROBE_NODE_TYPE, {
				parameters: { path: `/me/messages/${segment(id)}` },
			});
			expect(seen).toBe(id);
			expect(out[0].json).toEqual({ id });
			expect(s.graph.calls()).toEqual([
				{
					method: 'GET',
					path: `/me/messages/${segment(id)}`,
					query: {},
					body: undefined,
					inBatch: false,
				},
			]);
		},
	);
});
