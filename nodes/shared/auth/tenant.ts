/**
 * The tenant segment of the identity platform URLs: `common`, `organizations`, `consumers`,
 * a directory (tenant) ID, or a verified domain. Whatever the user types must never change the
 * host or the path of the authorize and token URLs, so only these shapes pass.
 * https://learn.microsoft.com/entra/identity-platform/v2-protocols#endpoints
 */
export const TENANT_GUID_PATTERN =
	'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
/** A DNS name: labels of letters, digits and inner hyphens, at least one dot, at most 253 characters. */
export const TENANT_DOMAIN_PATTERN =
	'^(?=.{4,253}$)(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)+[a-zA-Z]{2,63}$';

export const ACCOUNT_TYPES = ['common', 'organizations', 'consumers', 'singleTenant'] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

export function isValidTenantId(value: string): boolean {
	return (
		new RegExp(TENANT_GUID_PATTERN).test(value) || new RegExp(TENANT_DOMAIN_PATTERN).test(value)
	);
}

export function invalidTenantMessage(value: string): string {
	return (
		`The credential's Tenant "${value}" is neither a directory (tenant) ID such as ` +
		'"72f988bf-86f1-41af-91ab-2d7cd011db47" nor a verified domain such as "contoso.onmicrosoft.com". ' +
		"Copy the Directory (tenant) ID from the app registration's Overview page in the Azure portal."
	);
}

/** The path segment for the authorize and token URLs; throws on anything that is not a tenant. */
export function resolveTenant(
	accountType: string | undefined,
	tenantId: string | undefined,
): string {
	const type = (accountType ?? 'common') as AccountType;
	if (type === 'common' || type === 'organizations' || type === 'consumers') return type;
	if (type !== 'singleTenant') throw new Error(`Unknown account type "${String(accountType)}"`);
	const tenant = (tenantId ?? '').trim();
	if (!isValidTenantId(tenant)) throw new Error(invalidTenantMessage(tenant));
	return tenant.toLowerCase();
}
