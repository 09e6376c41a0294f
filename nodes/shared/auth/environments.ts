/**
 * Microsoft cloud environments: the identity platform authority, the Graph endpoint and the
 * Exchange Online IMAP host and token audience of each.
 *
 * Sources:
 * - Graph and login hosts: https://learn.microsoft.com/graph/deployments (national cloud deployments)
 * - IMAP hosts: https://learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth
 *   (Global), https://learn.microsoft.com/microsoft-365/enterprise/microsoft-365-u-s-government-gcc-high-endpoints
 *   (GCC High: outlook.office365.us), https://learn.microsoft.com/microsoft-365/enterprise/microsoft-365-u-s-government-dod-endpoints
 *   (DoD: outlook-dod.office365.us), https://learn.microsoft.com/microsoft-365/enterprise/microsoft-365-operated-by-21vianet-endpoints
 *   (China: partner.outlook.cn).
 */
import { ownValue } from '../outsideData';

export type EnvironmentName = 'global' | 'usGov' | 'usGovDod' | 'china' | 'custom';

export interface CloudEnvironment {
	displayName: string;
	/** Identity platform authority, without a trailing slash. */
	authority: string;
	/** Graph service root, without `/v1.0` and without a trailing slash. */
	graph: string;
	/** Default IMAP host of Exchange Online in this cloud. */
	imapHost: string;
	/** The resource (audience) an IMAP access token is issued for. */
	imapResource: string;
}

export const CLOUD_ENVIRONMENTS: Record<Exclude<EnvironmentName, 'custom'>, CloudEnvironment> = {
	global: {
		displayName: 'Global (Microsoft 365, Outlook.com)',
		authority: 'https://login.microsoftonline.com',
		graph: 'https://graph.microsoft.com',
		imapHost: 'outlook.office365.com',
		imapResource: 'https://outlook.office.com',
	},
	usGov: {
		displayName: 'US Government (GCC High)',
		authority: 'https://login.microsoftonline.us',
		graph: 'https://graph.microsoft.us',
		imapHost: 'outlook.office365.us',
		imapResource: 'https://outlook.office365.us',
	},
	usGovDod: {
		displayName: 'US Government DoD',
		authority: 'https://login.microsoftonline.us',
		graph: 'https://dod-graph.microsoft.us',
		imapHost: 'outlook-dod.office365.us',
		imapResource: 'https://outlook-dod.office365.us',
	},
	china: {
		displayName: 'China (operated by 21Vianet)',
		authority: 'https://login.partner.microsoftonline.cn',
		graph: 'https://microsoftgraph.chinacloudapi.cn',
		imapHost: 'partner.outlook.cn',
		imapResource: 'https://partner.outlook.cn',
	},
};

/** The credential fields that decide where tokens and requests go. */
export interface EnvironmentSettings {
	environment?: string;
	customAuthorityUrl?: string;
	customGraphUrl?: string;
	customImapHost?: string;
}

export interface ResolvedEnvironment extends CloudEnvironment {
	name: EnvironmentName;
}

/** Strips trailing slashes; refuses anything but an absolute http(s) URL with no query or fragment. */
export function normaliseBaseUrl(value: string, field: string): string {
	const url = URL.canParse(value.trim()) ? new URL(value.trim()) : undefined;
	if (!url)
		throw new Error(`${field} "${value}" is not a URL: enter it as https://host[:port][/path]`);
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new Error(`${field} must start with https:// (or http:// for a local test server)`);
	}
	// `?`, `#`, `@` and `\` are checked on the text as typed as well: URL parsers read `\` as `/`, so
	// "https://evil.example\@login.example.com" would otherwise go to evil.example while reading as
	// login.example.com. `..` is refused rather than collapsed, as in the credential's expressions.
	if (
		url.search ||
		url.hash ||
		url.username ||
		url.password ||
		/[?#@\\\s]/.test(value.trim()) ||
		value.includes('..')
	) {
		throw new Error(`${field} must not contain a query, a fragment or user information`);
	}
	return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

export function resolveEnvironment(settings: EnvironmentSettings): ResolvedEnvironment {
	const name = (settings.environment ?? 'global') as EnvironmentName;
	if (name === 'custom') {
		const authority = normaliseBaseUrl(settings.customAuthorityUrl ?? '', 'Authority URL');
		const graph = normaliseBaseUrl(settings.customGraphUrl ?? '', 'Graph URL');
		return {
			name,
			displayName: 'Custom',
			authority,
			graph,
			imapHost: settings.customImapHost?.trim() || CLOUD_ENVIRONMENTS.global.imapHost,
			imapResource: CLOUD_ENVIRONMENTS.global.imapResource,
		};
	}
	const cloud = ownValue<CloudEnvironment>(CLOUD_ENVIRONMENTS, name);
	if (!cloud) throw new Error(`Unknown environment "${String(name)}"`);
	return { name, ...cloud };
}
