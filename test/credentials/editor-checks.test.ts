/**
 * What a newcomer sees while filling in the credential (issue #15): a name and icon that tell it
 * apart from n8n's own "Microsoft Outlook OAuth2 API", defaults that make a working credential in
 * one pass, and notices that appear under Tenant, Client ID and Permissions when the value is
 * wrong, evaluated with n8n-workflow's own displayOptions code, as the credential modal does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeParameters, INodeProperties } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import {
	CLIENT_ID_NOTICE_NAME,
	CREDENTIAL_DISPLAY_NAME,
	IMAP_ONLY_NOTICE,
	INVALID_CLIENT_ID_NOTICE,
	INVALID_TENANT_NOTICE,
	OutlookOAuth2Api,
} from '../../credentials/OutlookOAuth2Api.credentials';
import { DEFAULT_PERMISSIONS, PERMISSION_GROUPS } from '../../nodes/shared/auth/scopes';
import { invalidTenantMessage, resolveTenant } from '../../nodes/shared/auth/tenant';
import { credentialProperties, resolveCredential } from '../support/n8n-harness';

const credential = new OutlookOAuth2Api();
const ROOT = join(__dirname, '../..');

/** A new credential's values: every default, then what the user typed. */
function values(typed: Record<string, unknown> = {}): INodeParameters {
	const defaults = Object.fromEntries(
		credential.properties.filter((p) => p.type !== 'notice').map((p) => [p.name, p.default]),
	);
	return { clientId: '', ...defaults, ...typed } as INodeParameters;
}

const notice = (name: string): INodeProperties => {
	const found = credential.properties.find((p) => p.name === name && p.type === 'notice');
	if (!found) throw new Error(`no notice ${name}`);
	return found;
};
const shown = (name: string, typed: Record<string, unknown>) =>
	NodeHelpers.displayParameter(values(typed), notice(name), null, null);

describe('telling it apart from n8n\'s "Microsoft Outlook OAuth2 API"', () => {
	it('has its own name, ending in "API" as n8n names credential types', () => {
		expect(credential.displayName).toBe(CREDENTIAL_DISPLAY_NAME);
		expect(credential.displayName).toMatch(/API$/);
		expect(credential.displayName).not.toBe('Outlook OAuth2 API');
		expect(credential.displayName).not.toMatch(/^Microsoft Outlook/);
	});

	it('has its own icon (with a badge), not the Outlook icon the nodes and n8n use', () => {
		const icon = credential.icon as { light: string; dark: string };
		for (const file of [icon.light, icon.dark]) {
			const svg = readFileSync(join(ROOT, 'credentials', file.replace(/^file:/, '')), 'utf8');
			expect(svg).toMatch(/^<svg /);
			expect(svg).not.toBe(readFileSync(join(ROOT, 'nodes/shared/icons/outlook.svg'), 'utf8'));
			expect(svg).toContain('Key badge');
		}
	});
});

describe('defaults: a working credential for the common case in one pass', () => {
	it('asks for read/write mail, send, calendars and mailbox settings (the mailbox time zone), and not Read Mail next to Read and Write Mail', () => {
		const permissions = values().permissions as string[];
		expect(permissions).toEqual(
			expect.arrayContaining([
				'mailReadWrite',
				'mailSend',
				'calendarsReadWrite',
				'mailboxSettings',
			]),
		);
		expect(permissions).not.toContain('mailRead');
		expect(shown('mailReadConflictNotice', {})).toBe(false);
	});

	it('one notice says which permissions to add: the always-requested ones, and the one in brackets beside each choice', () => {
		expect(shown('scopeNoticeAlways', {})).toBe(true);
		const text = notice('scopeNoticeAlways').displayName;
		expect(text).toContain('User.Read, offline_access, openid, profile, email');
		expect(text).toContain('the one in brackets beside each choice in Permissions');
		for (const group of PERMISSION_GROUPS.filter((g) => !g.imap))
			expect(group.description).toMatch(
				new RegExp(`\\(${group.graphScopes.join(', ').replace(/\./g, '\\.')}[;)]`),
			);
	});
});

describe('a new credential whose Permissions n8n left empty', () => {
	// n8n 2.41's credential modal does not apply a multiOptions default to a new credential (the
	// editor e2e sees the field empty), so "nothing chosen" must still give a working credential.
	const scopeOf = (permissions: unknown) =>
		String(resolveCredential('outlookOAuth2Api', { permissions } as never).scope).split(' ');

	it.each([[[]], [undefined]])('%j requests the default set', (permissions) => {
		expect(scopeOf(permissions)).toEqual(scopeOf(DEFAULT_PERMISSIONS));
		expect(scopeOf(permissions)).toEqual(
			expect.arrayContaining(['Mail.ReadWrite', 'Mail.Send', 'Calendars.ReadWrite']),
		);
	});

	it('a notice says what n8n then asks for, and goes away once something is chosen', () => {
		expect(shown('permissionsDefaultNotice', { permissions: [] })).toBe(true);
		expect(shown('permissionsDefaultNotice', { permissions: undefined })).toBe(true);
		expect(shown('permissionsDefaultNotice', { permissions: ['mailSend'] })).toBe(false);
		expect(notice('permissionsDefaultNotice').displayName).toContain(
			'Read and Write Mail (Mail.ReadWrite), Send Mail (Mail.Send), Read and Write Calendars (Calendars.ReadWrite), Mailbox Settings (MailboxSettings.Read)',
		);
	});

	it('a choice is still honoured as it is', () => {
		expect(scopeOf(['mailRead'])).toContain('Mail.Read');
		expect(scopeOf(['mailRead'])).not.toContain('Mail.ReadWrite');
	});
});

describe('Read Mail next to Read and Write Mail', () => {
	it('explains the overlap only when both are chosen', () => {
		expect(shown('mailReadConflictNotice', { permissions: ['mailRead', 'mailReadWrite'] })).toBe(
			true,
		);
		expect(shown('mailReadConflictNotice', { permissions: ['mailRead', 'mailSend'] })).toBe(false);
		expect(shown('mailReadConflictNotice', { permissions: ['mailReadWrite'] })).toBe(false);
		expect(notice('mailReadConflictNotice').displayName).toMatch(
			/Mail\.ReadWrite covers Mail\.Read/,
		);
	});
});

describe('"IMAP Trigger" added to a credential whose Permissions were empty', () => {
	// The trigger's notice and errors say to add "IMAP Trigger"; on a field left empty (the common
	// set) that alone would drop Mail and Calendar access, so a notice says to keep them.
	it('is explained only while IMAP Trigger is the only choice', () => {
		expect(shown('imapOnlyNotice', { permissions: ['imap'] })).toBe(true);
		expect(shown('imapOnlyNotice', { permissions: ['imap', 'mailReadWrite'] })).toBe(false);
		expect(shown('imapOnlyNotice', { permissions: ['mailReadWrite'] })).toBe(false);
		expect(shown('imapOnlyNotice', { permissions: [] })).toBe(false);
		expect(notice('imapOnlyNotice').displayName).toBe(IMAP_ONLY_NOTICE);
	});

	it('because IMAP Trigger alone asks Graph for the sign-in scopes only', () => {
		const scope = String(
			resolveCredential('outlookOAuth2Api', { permissions: ['imap'] } as never).scope,
		).split(' ');
		expect(scope).toContain('https://outlook.office.com/IMAP.AccessAsUser.All');
		expect(scope.filter((s) => /^(Mail|Calendars)\./.test(s))).toEqual([]);
	});
});

describe('the Tenant is checked where it is typed', () => {
	const single = (tenantId: string) => ({ accountType: 'singleTenant', tenantId });
	// Two notices with the same text, one for values without a dot, one for addresses (never both).
	const tenantNotice = (typed: Record<string, unknown>) =>
		shown('tenantIdInvalidNotice', typed) || shown('tenantIdAddressNotice', typed);

	it.each([
		'not a tenant',
		'https://login.microsoftonline.com/contoso.com',
		'contoso',
		'72f988bf-86f1-41af-91ab',
	])(
		"%j shows the package's message under the field (and resolveTenant refuses it too)",
		(tenant) => {
			expect(tenantNotice(single(tenant))).toBe(true);
			expect(() => resolveTenant('singleTenant', tenant)).toThrow(
				invalidTenantMessage(tenant.trim()),
			);
		},
	);

	it.each([
		'72f988bf-86f1-41af-91ab-2d7cd011db47',
		'contoso.onmicrosoft.com',
		'contoso.com',
		' contoso.com ',
	])('%j shows nothing', (tenant) => {
		expect(tenantNotice(single(tenant))).toBe(false);
		expect(resolveTenant('singleTenant', tenant)).toBe(tenant.trim().toLowerCase());
	});

	it('shows nothing while the field is empty (n8n marks it required) or for other account types', () => {
		expect(tenantNotice(single(''))).toBe(false);
		expect(tenantNotice({ accountType: 'common', tenantId: 'not a tenant' })).toBe(false);
		expect(tenantNotice({ accountType: 'common', tenantId: 'https://x.test/a.b' })).toBe(false);
	});

	it('the notice sits right under the Tenant field and says what to copy', () => {
		const names = credential.properties.map((p) => p.name);
		expect(names.indexOf('tenantIdInvalidNotice')).toBe(names.indexOf('tenantId') + 1);
		expect(names.indexOf('tenantIdAddressNotice')).toBe(names.indexOf('tenantId') + 2);
		expect(notice('tenantIdAddressNotice').displayName).toBe(INVALID_TENANT_NOTICE);
		expect(INVALID_TENANT_NOTICE).toMatch(/Directory \(tenant\) ID.*Overview page/);
	});
});

describe('the Client ID is checked where it is typed', () => {
	it.each(['my-app', 'n8n outlook', '72f988bf-86f1-41af-91ab-2d7cd011db47 ', 'abc~secretValue'])(
		'%j shows the notice',
		(clientId) => expect(shown(CLIENT_ID_NOTICE_NAME, { clientId })).toBe(true),
	);

	it.each(['', '00000000-0000-4000-8000-00000000c1d0'])('%j shows nothing', (clientId) =>
		expect(shown(CLIENT_ID_NOTICE_NAME, { clientId })).toBe(false),
	);

	it('the notice stands right under Client ID in the form (not after "Allowed HTTP Request Domains")', () => {
		// The credential's fields as n8n merges them (CredentialsHelper.getCredentialsProperties):
		// oAuth2Api's first, then ours through NodeHelpers.mergeNodeProperties (same name: in place).
		const combined = [...credentialProperties('oAuth2Api')];
		NodeHelpers.mergeNodeProperties(combined, credential.properties);
		const names = combined.map((p) => p.name);
		expect(names.indexOf(CLIENT_ID_NOTICE_NAME)).toBe(names.indexOf('clientId') + 1);
		const merged = combined.find((p) => p.name === CLIENT_ID_NOTICE_NAME);
		expect(merged).toMatchObject({ type: 'notice', displayName: INVALID_CLIENT_ID_NOTICE });
	});
});

describe('one short notice per need, shown only when it applies', () => {
	const shownNotices = (typed: Record<string, unknown>) =>
		credential.properties
			.filter((p) => p.type === 'notice')
			.filter((p) => NodeHelpers.displayParameter(values(typed), p, null, null));

	it.each([
		['the defaults', {}, 2],
		['no permission chosen', { permissions: [] }, 3],
		[
			'four permissions chosen',
			{ permissions: ['mailReadWrite', 'mailSend', 'calendarsReadWrite', 'mailboxSettings'] },
			2,
		],
		['the IMAP trigger too', { permissions: ['mailReadWrite', 'imap'] }, 3],
		['a single tenant', { accountType: 'singleTenant', tenantId: 'contoso.com' }, 3],
	])('%s: %#', (_label, typed, count) => {
		const notices = shownNotices(typed);
		expect(notices.map((n) => n.name)).toHaveLength(count);
		// "the ones listed below" listed nothing when no permission was chosen.
		for (const n of notices) expect(n.displayName).not.toMatch(/listed below/);
	});
});

describe('the admin-consent notice', () => {
	it('says which values go into the address (n8n shows notices without expressions)', () => {
		const text = notice('adminConsentNotice').displayName;
		expect(text).toContain('/{Tenant}/adminconsent?client_id={Client ID}');
		expect(text).toContain('(with the two values above)');
	});
});
