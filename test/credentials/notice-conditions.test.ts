/**
 * The Tenant and Client ID notices use string conditions, not regexes (see credentialFields.ts).
 * They say less than the patterns, so this pins what they do say, with n8n-workflow's own
 * displayOptions code as the credential modal runs it: never a notice for a value the run-time
 * check accepts, at most one notice under a field, and a notice for the mistakes users make.
 */
import type { ICredentialType, INodeParameters } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { TENANT_GUID_PATTERN, resolveTenant } from '../../nodes/shared/auth/tenant';
import { packageCredentials } from '../support/package-sources';

const TENANT_MISTAKES = [
	'contoso',
	'common',
	'organizations',
	'consumers',
	'not a tenant',
	'72f988bf-86f1-41af-91ab', // a GUID cut short
	'72f988bf86f141af91ab2d7cd011db47', // a GUID without its hyphens
	'https://login.microsoftonline.com/contoso.com',
	'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token',
	'login.microsoftonline.com/contoso.onmicrosoft.com',
	'admin@contoso.onmicrosoft.com',
	'contoso.onmicrosoft.com:443',
	'contoso_ltd.com',
];
const CLIENT_ID_MISTAKES = [
	'my n8n app',
	'n8n outlook',
	'abc8Q~Zx0aBcDeFgHiJkLmNoPqRsTuVwXyZ012345', // a client secret's value (40 characters)
	'72f988bf-86f1-41af-91ab-2d7cd011db47 ', // pasted with a space
	'72f988bf-86f1-41af-91ab',
	'https://portal.azure.com/#view/Microsoft_AAD_RegisteredApps',
];
const VALID_TENANTS = [
	'72f988bf-86f1-41af-91ab-2d7cd011db47',
	'72F988BF-86F1-41AF-91AB-2D7CD011DB47',
	'contoso.onmicrosoft.com',
	'contoso.com',
	'sub-domain.contoso.co.uk',
	' contoso.com ',
	'\t72f988bf-86f1-41af-91ab-2d7cd011db47\n',
	'  72f988bf-86f1-41af-91ab-2d7cd011db47  ',
];
const VALID_CLIENT_IDS = [
	'00000000-0000-4000-8000-00000000c1d0',
	'ABCDEF01-2345-6789-abcd-ef0123456789',
];

/** Random strings over the characters that make and break tenants and IDs (seeded, repeatable). */
function fuzz(count: number): string[] {
	const alphabet = 'abcdef0123456789-.ABCxyz /:@_ \t';
	let seed = 42;
	const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
	const pieces = ['72f988bf-86f1-41af-91ab-2d7cd011db47', 'contoso.com', '.onmicrosoft.com', ' '];
	return Array.from({ length: count }, () => {
		let text = '';
		const length = Math.floor(next() * 40);
		while (text.length < length)
			text +=
				next() < 0.1
					? pieces[Math.floor(next() * pieces.length)]
					: alphabet[Math.floor(next() * alphabet.length)];
		return text;
	});
}

const tenantAccepted = (value: string) => {
	try {
		resolveTenant('singleTenant', value);
		return true;
	} catch {
		return false;
	}
};
const isClientId = (value: string) => new RegExp(TENANT_GUID_PATTERN).test(value);

describe.each(packageCredentials())('%s', (_name, credential: ICredentialType) => {
	const defaults = Object.fromEntries(
		credential.properties.filter((p) => p.type !== 'notice').map((p) => [p.name, p.default]),
	);
	const values = (typed: Record<string, string>) =>
		({ ...defaults, accountType: 'singleTenant', ...typed }) as INodeParameters;
	/** The notices shown right under `field` (the properties that follow it up to the next field). */
	const noticesUnder = (field: string, typed: Record<string, string>) => {
		const start = credential.properties.findIndex((p) => p.name === field);
		const after = credential.properties.slice(start + 1);
		const end = after.findIndex((p) => p.type !== 'notice');
		return after
			.slice(0, end === -1 ? after.length : end)
			.filter((p) => NodeHelpers.displayParameter(values(typed), p, null, null))
			.map((p) => p.displayName);
	};
	const hasField = (field: string) => credential.properties.some((p) => p.name === field);
	const tenantCases = [...TENANT_MISTAKES, ...VALID_TENANTS, ...fuzz(3000)];

	(hasField('tenantId') ? it : it.skip)(
		'Tenant: at most one notice, never for a tenant the run-time check accepts',
		() => {
			const wrong = tenantCases.filter((tenantId) => {
				const shown = noticesUnder('tenantId', { tenantId });
				return shown.length > 1 || (shown.length === 1 && tenantAccepted(tenantId));
			});
			expect(wrong).toEqual([]);
		},
	);

	(hasField('tenantId') ? it.each(TENANT_MISTAKES) : it.skip.each(TENANT_MISTAKES))(
		'Tenant %j: a notice',
		(tenantId) => {
			expect(tenantAccepted(tenantId)).toBe(false);
			expect(noticesUnder('tenantId', { tenantId })).toHaveLength(1);
		},
	);

	(hasField('tenantId') ? it.each(['', ...VALID_TENANTS]) : it.skip.each(['']))(
		'Tenant %j: no notice',
		(tenantId) => expect(noticesUnder('tenantId', { tenantId })).toEqual([]),
	);

	it('Client ID: at most one notice, never for an Application (client) ID', () => {
		// The OAuth2 credential's notice takes the place of oAuth2Api's anchor (clientCredentialType),
		// so it is found by its text rather than its position.
		const clientIdNotices = credential.properties.filter(
			(p) => p.type === 'notice' && p.displayOptions?.show && 'clientId' in p.displayOptions.show,
		);
		expect(clientIdNotices).toHaveLength(1);
		const wrong = [...CLIENT_ID_MISTAKES, ...VALID_CLIENT_IDS, ...fuzz(3000)].filter(
			(clientId) =>
				NodeHelpers.displayParameter(values({ clientId }), clientIdNotices[0], null, null) &&
				isClientId(clientId),
		);
		expect(wrong).toEqual([]);
		for (const clientId of CLIENT_ID_MISTAKES)
			expect([
				clientId,
				NodeHelpers.displayParameter(values({ clientId }), clientIdNotices[0], null, null),
			]).toEqual([clientId, true]);
		for (const clientId of ['', ...VALID_CLIENT_IDS])
			expect([
				clientId,
				NodeHelpers.displayParameter(values({ clientId }), clientIdNotices[0], null, null),
			]).toEqual([clientId, false]);
	});
});
