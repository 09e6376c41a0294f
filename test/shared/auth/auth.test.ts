/** The tables and checks the credential and the transport share: clouds, tenants, scopes. */
import {
	CLOUD_ENVIRONMENTS,
	normaliseBaseUrl,
	resolveEnvironment,
} from '../../../nodes/shared/auth/environments';
import { buildScopes, scopeIncludes } from '../../../nodes/shared/auth/scopes';
import { isValidTenantId, resolveTenant } from '../../../nodes/shared/auth/tenant';

describe('environments', () => {
	it('names the documented hosts of each cloud', () => {
		expect(CLOUD_ENVIRONMENTS.global).toMatchObject({
			authority: 'https://login.microsoftonline.com',
			graph: 'https://graph.microsoft.com',
			imapHost: 'outlook.office365.com',
		});
		expect(CLOUD_ENVIRONMENTS.usGov).toMatchObject({
			authority: 'https://login.microsoftonline.us',
			graph: 'https://graph.microsoft.us',
			imapHost: 'outlook.office365.us',
		});
		expect(CLOUD_ENVIRONMENTS.usGovDod).toMatchObject({
			authority: 'https://login.microsoftonline.us',
			graph: 'https://dod-graph.microsoft.us',
			imapHost: 'outlook-dod.office365.us',
		});
		expect(CLOUD_ENVIRONMENTS.china).toMatchObject({
			authority: 'https://login.partner.microsoftonline.cn',
			graph: 'https://microsoftgraph.chinacloudapi.cn',
			imapHost: 'partner.outlook.cn',
		});
	});

	it('resolves the custom environment from the typed URLs', () => {
		expect(
			resolveEnvironment({
				environment: 'custom',
				customAuthorityUrl: ' https://login.example.com/base/ ',
				customGraphUrl: 'http://127.0.0.1:8080',
				customImapHost: ' imap.example.com ',
			}),
		).toMatchObject({
			name: 'custom',
			authority: 'https://login.example.com/base',
			graph: 'http://127.0.0.1:8080',
			imapHost: 'imap.example.com',
			imapResource: 'https://outlook.office.com',
		});
		expect(resolveEnvironment({})).toMatchObject({
			name: 'global',
			graph: 'https://graph.microsoft.com',
		});
		expect(() => resolveEnvironment({ environment: 'moon' })).toThrow('Unknown environment "moon"');
	});

	it.each([
		['ftp://login.example.com', /must start with https:\/\//],
		['not a url', /is not a URL/],
		['https://login.example.com?x=1', /must not contain/],
		['https://u:p@login.example.com', /must not contain/],
		['https://evil.example\\@login.example.com', /must not contain/],
		['https://login.example.com/a/../b', /must not contain/],
		['https://login.example.com#f', /must not contain/],
	])('refuses %j', (value, message) => {
		expect(() => normaliseBaseUrl(value, 'Authority URL')).toThrow(message);
	});
});

describe('tenant', () => {
	it('passes account types through and lower-cases a tenant ID or domain', () => {
		expect(resolveTenant(undefined, undefined)).toBe('common');
		expect(resolveTenant('consumers', 'ignored')).toBe('consumers');
		expect(resolveTenant('singleTenant', ' Contoso.OnMicrosoft.com ')).toBe(
			'contoso.onmicrosoft.com',
		);
		expect(resolveTenant('singleTenant', '72F988BF-86F1-41AF-91AB-2D7CD011DB47')).toBe(
			'72f988bf-86f1-41af-91ab-2d7cd011db47',
		);
		expect(() => resolveTenant('other', '')).toThrow('Unknown account type "other"');
	});

	it.each([
		'contoso.com/x',
		'a@b.com',
		'..',
		'common',
		'x'.repeat(250) + '.com',
		'-bad.com',
		'bad-.com',
		'72f988bf86f141af91ab2d7cd011db47',
	])('refuses %j', (tenant) => {
		expect(isValidTenantId(tenant)).toBe(false);
	});
});

describe('scopes', () => {
	it('puts Graph scopes first, then extra, OIDC and IMAP last, without duplicates', () => {
		expect(
			buildScopes(
				{
					permissions: ['imap', 'mailSend', 'mailRead'],
					additionalScopes: 'mail.send Tasks.Read,  Contacts.Read',
				},
				'',
				'https://outlook.office.com',
			),
		).toEqual([
			'User.Read',
			'Mail.Read',
			'Mail.Send',
			'Tasks.Read',
			'Contacts.Read',
			'offline_access',
			'openid',
			'profile',
			'email',
			'https://outlook.office.com/IMAP.AccessAsUser.All',
		]);
		expect(
			buildScopes(
				{ permissions: ['mailShared'] },
				'https://graph.microsoft.us',
				'https://outlook.office365.us',
			),
		).toEqual([
			'https://graph.microsoft.us/User.Read',
			'https://graph.microsoft.us/Mail.ReadWrite.Shared',
			'https://graph.microsoft.us/Mail.Send.Shared',
			'offline_access',
			'openid',
			'profile',
			'email',
		]);
	});

	it('finds a permission in a granted scope string, short or prefixed, any case', () => {
		expect(scopeIncludes('User.Read Mail.Send openid', 'Mail.Send')).toBe(true);
		expect(scopeIncludes('https://graph.microsoft.us/mail.send', 'Mail.Send')).toBe(true);
		expect(scopeIncludes('Mail.Send.Shared', 'Mail.Send')).toBe(false);
		expect(scopeIncludes('Mail.ReadWrite', 'Mail.Read')).toBe(false);
		expect(scopeIncludes(undefined, 'Mail.Send')).toBe(false);
	});
});
