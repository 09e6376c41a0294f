/**
 * The "simplified" output of a personal contact: one flat object (addresses as strings, the
 * e-mail addresses as a list and the first one alone), as messages are simplified. Outlook Mail's
 * Contact operations and the Outlook Trigger's contact events both use it.
 * https://learn.microsoft.com/graph/api/resources/contact
 */
import type { IDataObject } from 'n8n-workflow';

/** What the simplified output needs; sent as `$select` so Graph returns no more than that. */
export const SIMPLE_CONTACT_FIELDS = [
	'id',
	'displayName',
	'givenName',
	'middleName',
	'surname',
	'nickName',
	'emailAddresses',
	'companyName',
	'department',
	'jobTitle',
	'businessPhones',
	'mobilePhone',
	'homePhones',
	'businessAddress',
	'homeAddress',
	'birthday',
	'categories',
	'personalNotes',
	'parentFolderId',
	'createdDateTime',
	'lastModifiedDateTime',
] as const;

/** Every contact property Graph v1.0 lets a client select. */
export const CONTACT_PROPERTIES = [
	'assistantName',
	'birthday',
	'businessAddress',
	'businessHomePage',
	'businessPhones',
	'categories',
	'changeKey',
	'children',
	'companyName',
	'createdDateTime',
	'department',
	'displayName',
	'emailAddresses',
	'fileAs',
	'generation',
	'givenName',
	'homeAddress',
	'homePhones',
	'imAddresses',
	'initials',
	'jobTitle',
	'lastModifiedDateTime',
	'manager',
	'middleName',
	'mobilePhone',
	'nickName',
	'officeLocation',
	'otherAddress',
	'parentFolderId',
	'personalNotes',
	'profession',
	'spouseName',
	'surname',
	'title',
	'yomiCompanyName',
	'yomiGivenName',
	'yomiSurname',
] as const;

interface PhysicalAddress {
	street?: string;
	city?: string;
	state?: string;
	postalCode?: string;
	countryOrRegion?: string;
}

/** A postal address on one line ("1 Main St, Springfield, IL 62701, USA"); '' when empty. */
export function addressLine(value: unknown): string {
	const address = (value ?? {}) as PhysicalAddress;
	const region = [address.state, address.postalCode].filter(Boolean).join(' ');
	return [address.street, address.city, region, address.countryOrRegion]
		.map((part) => String(part ?? '').trim())
		.filter(Boolean)
		.join(', ');
}

function emails(list: unknown): string[] {
	if (!Array.isArray(list)) return [];
	return list
		.map((entry) => (entry as { address?: string } | null)?.address)
		.filter((address): address is string => typeof address === 'string' && address !== '');
}

export function simplifyContact(contact: IDataObject): IDataObject {
	const addresses = emails(contact.emailAddresses);
	const simple: IDataObject = {
		id: contact.id,
		displayName: contact.displayName ?? '',
		givenName: contact.givenName,
		middleName: contact.middleName,
		surname: contact.surname,
		nickName: contact.nickName,
		email: addresses[0],
		emails: addresses,
		companyName: contact.companyName,
		department: contact.department,
		jobTitle: contact.jobTitle,
		businessPhones: contact.businessPhones,
		mobilePhone: contact.mobilePhone,
		homePhones: contact.homePhones,
		businessAddress: contact.businessAddress ? addressLine(contact.businessAddress) : undefined,
		homeAddress: contact.homeAddress ? addressLine(contact.homeAddress) : undefined,
		birthday: contact.birthday,
		categories: contact.categories ?? [],
		notes: contact.personalNotes,
		folderId: contact.parentFolderId,
		created: contact.createdDateTime,
		modified: contact.lastModifiedDateTime,
	};
	// Leave out what Graph did not return or left empty, rather than output `undefined` or null.
	for (const key of Object.keys(simple))
		if (simple[key] === undefined || simple[key] === null || simple[key] === '')
			if (key !== 'displayName') delete simple[key];
	return simple;
}
