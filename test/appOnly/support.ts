/**
 * App-only test support: certificates made at test time with openssl (nothing committed), an app
 * registered in the identity-provider stand-in, and the n8n harness with the app-only credential
 * (n8n's CredentialsHelper hands a non-OAuth credential over with its defaults applied).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
	ICredentialDataDecryptedObject,
	IExecuteData,
	INodeCredentialsDetails,
	INodeParameters,
	INodeType,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { CredentialTestContext } from 'n8n-core';
import { NodeHelpers } from 'n8n-workflow';

import { OutlookAppOnlyApi } from '../../credentials/OutlookAppOnlyApi.credentials';
import { senderFromLegacyRequest } from '../../nodes/shared/outbound';
import type { StandIns } from '../support/fixtures';
import {
	CREDENTIAL_ID,
	N8nHarness,
	type RunOptions,
	TestCredentialsHelper,
} from '../support/n8n-harness';

export const APP_ID = '11111111-2222-4333-8444-555555555555';
export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const SHARED = 'shared@contoso.test';
export const OTHER = 'ceo@contoso.test';

export interface TestCertificate {
	certPem: string;
	keyPem: string;
	pfxBase64: string;
	pfxPassword: string;
}

/**
 * A self-signed certificate and key (and the PFX of both), made by openssl now: RSA, or EC P-256
 * for the refusal of keys Microsoft's client assertion cannot be signed with.
 */
export function makeCertificate(
	days = 365,
	subject = '/CN=n8n app-only test',
	keyType: 'rsa' | 'ec' = 'rsa',
): TestCertificate {
	const dir = mkdtempSync(join(tmpdir(), 'app-only-cert-'));
	try {
		const key = join(dir, 'key.pem');
		const cert = join(dir, 'cert.pem');
		const pfx = join(dir, 'app.pfx');
		const pfxPassword = randomBytes(9).toString('base64url');
		execFileSync(
			'openssl',
			[
				'req',
				'-x509',
				'-newkey',
				...(keyType === 'rsa' ? ['rsa:2048'] : ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256']),
				'-nodes',
				'-keyout',
				key,
				'-out',
				cert,
				'-days',
				String(days),
				'-subj',
				subject,
			],
			{ stdio: 'ignore' },
		);
		execFileSync(
			'openssl',
			[
				'pkcs12',
				'-export',
				'-inkey',
				key,
				'-in',
				cert,
				'-out',
				pfx,
				'-passout',
				`pass:${pfxPassword}`,
			],
			{ stdio: 'ignore' },
		);
		return {
			certPem: readFileSync(cert, 'utf8'),
			keyPem: readFileSync(key, 'utf8'),
			pfxBase64: readFileSync(pfx).toString('base64'),
			pfxPassword,
		};
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/**
 * An RSA certificate signed by a CA made for it (its key and certificate as TestCertificate, with
 * no PFX), and the CA's certificate: what a chain pasted into the Certificate field holds.
 */
export function makeCaSignedCertificate(): { leaf: TestCertificate; caPem: string } {
	const dir = mkdtempSync(join(tmpdir(), 'app-only-chain-'));
	const ssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
	try {
		ssl(
			[
				'req',
				'-x509',
				'-newkey',
				'rsa:2048',
				'-nodes',
				'-keyout',
				'ca.key',
				'-out',
				'ca.pem',
			].concat(['-days', '30', '-subj', '/CN=Issuing CA']),
		);
		ssl(
			['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr'].concat([
				'-subj',
				'/CN=n8n app-only leaf',
			]),
		);
		ssl(
			['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key'].concat([
				'-CAcreateserial',
				'-out',
				'leaf.pem',
				'-days',
				'30',
			]),
		);
		const read = (name: string) => readFileSync(join(dir, name), 'utf8');
		return {
			leaf: { certPem: read('leaf.pem'), keyPem: read('leaf.key'), pfxBase64: '', pfxPassword: '' },
			caPem: read('ca.pem'),
		};
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** The credential as a user saves it, pointing at the stand-ins (Custom environment). */
export function appOnlyFields(
	s: Pick<StandIns, 'idp' | 'graph'>,
	proof: { secret: string } | { cert: TestCertificate; pfx?: boolean },
	overrides: ICredentialDataDecryptedObject = {},
): ICredentialDataDecryptedObject {
	const base: ICredentialDataDecryptedObject = {
		environment: 'custom',
		customAuthorityUrl: s.idp.authority,
		customGraphUrl: s.graph.url,
		customImapHost: '127.0.0.1',
		tenantId: TENANT,
		clientId: APP_ID,
	};
	if ('secret' in proof)
		return { ...base, authMethod: 'secret', clientSecret: proof.secret, ...overrides };
	if (proof.pfx) {
		return {
			...base,
			authMethod: 'pfx',
			pfxCertificate: proof.cert.pfxBase64,
			pfxPassword: proof.cert.pfxPassword,
			...overrides,
		};
	}
	return {
		...base,
		authMethod: 'certificate',
		certificate: proof.cert.certPem,
		privateKey: proof.cert.keyPem,
		...overrides,
	};
}

/** A fresh random secret, as the portal would show it once. */
export function newSecret(): string {
	return `app~${randomUUID()}${randomBytes(8).toString('hex')}`;
}

const appOnlyType = new OutlookAppOnlyApi();

/** The harness's credentials helper, also serving outlookAppOnlyApi (defaults applied, as n8n does). */
class AppOnlyCredentialsHelper extends TestCredentialsHelper {
	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
	): Promise<ICredentialDataDecryptedObject> {
		if (type !== 'outlookAppOnlyApi')
			return await super.getDecrypted(
				additionalData,
				nodeCredentials,
				type,
				mode,
				executeData,
				raw,
			);
		const stored = this.store.get(nodeCredentials.id ?? '');
		if (!stored) throw new Error(`Credential ${nodeCredentials.id} not found`);
		const data = structuredClone(stored.data);
		if (raw) return data;
		const withDefaults = NodeHelpers.getNodeParameters(
			appOnlyType.properties,
			data as INodeParameters,
			true,
			false,
			null,
			null,
		);
		return { ...data, ...(withDefaults as ICredentialDataDecryptedObject) };
	}
}

/** The n8n harness with the app-only credential selected on the node (authentication = appOnly). */
export class AppOnlyHarness extends N8nHarness {
	constructor(
		types: Record<string, INodeType | IVersionedNodeType>,
		fields: ICredentialDataDecryptedObject,
	) {
		super(types);
		// The base class builds its own helper; this one also knows the app-only credential type.
		(this as unknown as { credentialsHelper: TestCredentialsHelper }).credentialsHelper =
			new AppOnlyCredentialsHelper();
		this.credentialsHelper.store.set(CREDENTIAL_ID, {
			type: 'outlookAppOnlyApi',
			data: structuredClone(fields),
		});
	}

	makeNode(type: string, options: RunOptions) {
		const node = super.makeNode(type, options);
		if (options.parameters.authentication === 'appOnly')
			node.credentials = { outlookAppOnlyApi: { id: CREDENTIAL_ID, name: 'Outlook app' } };
		return node;
	}
}

/**
 * n8n's outbound HTTP pipeline (axios with its proxy agents), for calls outside a node's context:
 * the credential test context's `request` helper, adapted as the credential test adapts it.
 */
export const n8nHttp = senderFromLegacyRequest(new CredentialTestContext().helpers.request);
