/**
 * The package gives n8n no regular expression to evaluate at run time. n8n-workflow 2.x runs every
 * description regex (a displayOptions `regex` condition, a resource locator mode's `validation`,
 * an `extractValue`) through safeRegex: a node:vm with a 250 ms watchdog. It evaluates the
 * credential's displayOptions each time it resolves the credential (every request) and the nodes'
 * parameter issues at every execution start, and a busy process or a garbage-collection pause
 * failed those with "Regular expression execution timed out" (a queue-mode e2e run met it). Checked
 * over every node and credential package.json lists, so one added tomorrow is covered.
 */
import type { INode, INodeParameters, INodeProperties } from 'n8n-workflow';
import { NodeHelpers, resetSafeRegexEngine, setSafeRegexEngine } from 'n8n-workflow';

import { credentialProperties } from '../support/n8n-harness';
import { packageCredentials, packageNodes } from '../support/package-sources';

/** Where a description holds a regular expression: a `regex` key or a `type: 'regex'` rule. */
function regexesIn(value: unknown, path: string): string[] {
	if (Array.isArray(value)) return value.flatMap((entry, i) => regexesIn(entry, `${path}[${i}]`));
	if (value instanceof RegExp) return [path];
	if (!value || typeof value !== 'object') return [];
	return Object.entries(value as Record<string, unknown>).flatMap(([key, entry]) => {
		const here = `${path}.${key}`;
		if (key === 'regex' || (key === 'type' && entry === 'regex')) return [here];
		return regexesIn(entry, here);
	});
}

describe('no regular expression in any description n8n evaluates', () => {
	it.each(packageNodes())('node %s', (_name, node) => {
		expect(regexesIn(node.description.properties, 'properties')).toEqual([]);
	});

	it.each(packageCredentials())('credential %s', (_name, credential) => {
		expect(regexesIn(credential.properties, 'properties')).toEqual([]);
	});

	it('the walk finds the kinds n8n evaluates (so an empty answer means something)', () => {
		const found = regexesIn(
			[
				{ displayOptions: { show: { tenantId: [{ _cnd: { regex: '^x' } }] } } },
				{ modes: [{ validation: [{ type: 'regex', properties: { regex: 'x' } }] }] },
				{ modes: [{ extractValue: { type: 'regex', regex: /x(.)/ } }] },
			],
			'p',
		);
		expect(found).toEqual([
			'p[0].displayOptions.show.tenantId[0]._cnd.regex',
			'p[1].modes[0].validation[0].type',
			'p[1].modes[0].validation[0].properties.regex',
			'p[2].modes[0].extractValue.type',
			'p[2].modes[0].extractValue.regex',
		]);
	});
});

describe('with a regex engine that always times out, as a busy n8n may', () => {
	const calls: string[] = [];
	beforeAll(() => {
		const timedOut = (pattern: string): never => {
			calls.push(pattern);
			throw new Error('Regular expression execution timed out');
		};
		setSafeRegexEngine({
			exec: timedOut,
			test: timedOut,
			replace: timedOut,
			matchAll: timedOut,
			split: timedOut,
		});
	});
	afterAll(() => resetSafeRegexEngine());
	beforeEach(() => (calls.length = 0));

	// What CredentialsHelper.applyDefaultsAndOverwrites does on every resolution of a credential.
	const resolve = (type: string, data: INodeParameters) =>
		NodeHelpers.getNodeParameters(credentialProperties(type), data, true, false, null, null);

	it.each([
		['outlookOAuth2Api', { accountType: 'singleTenant', tenantId: 'contoso.com' }],
		['outlookOAuth2Api', { accountType: 'singleTenant', tenantId: 'https://x.test/contoso' }],
		['outlookOAuth2Api', { clientId: 'my n8n app' }],
		[
			'outlookAppOnlyApi',
			{ tenantId: 'contoso', clientId: '00000000-0000-4000-8000-00000000c1d0' },
		],
	])('%s %j still resolves', (type, typed) => {
		const resolved = resolve(type, { clientId: '', ...typed });
		expect(resolved).toMatchObject(typed);
		expect(calls).toEqual([]);
	});

	it.each(packageNodes())(
		'node %s: the parameter issues n8n checks at every execution start',
		(_name, nodeType) => {
			const description = nodeType.description;
			const version = Array.isArray(description.version)
				? Math.max(...description.version)
				: description.version;
			// Every resource locator in URL mode, the one mode that carried a validation.
			const parameters: INodeParameters = Object.fromEntries(
				description.properties
					.filter((p: INodeProperties) => p.type === 'resourceLocator')
					.map((p) => [p.name, { __rl: true, mode: 'url', value: 'https://example.test/x' }]),
			);
			const node: INode = {
				id: '1',
				name: 'Node',
				type: description.name,
				typeVersion: version,
				position: [0, 0],
				parameters,
			};
			NodeHelpers.getNodeParametersIssues(description.properties, node, description);
			expect(calls).toEqual([]);
		},
	);
});
