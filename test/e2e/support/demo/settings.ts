/**
 * The demo user and mailbox settings: GET /me, mailboxSettings (time zone, automatic replies,
 * working hours) read and changed, and mail tips for recipients.
 * https://learn.microsoft.com/graph/api/user-get-mailboxsettings,
 * /graph/api/user-update-mailboxsettings, /graph/api/user-getmailtips
 */
import type { GraphStandIn } from '../../../support/graph-standin';
import { TEST_USER } from '../../../support/identity-provider';
import type { DemoWorld } from './world';
import { selectFields } from './world';

type Json = Record<string, unknown>;

export function addDemoSettings(graph: GraphStandIn, world: DemoWorld): void {
	graph.on('GET', '/me', (request) => ({ body: selectFields(world.user, request) }));
	graph.on('GET', '/users/:user', (request) => ({ body: selectFields(world.user, request) }));
	world.route('GET', '/mailboxSettings', (request) => ({
		body: selectFields(world.settings, request),
	}));
	world.route('PATCH', '/mailboxSettings', (request) => {
		const patch = request.body as Json;
		for (const [key, value] of Object.entries(patch)) {
			const current = world.settings[key];
			world.settings[key] =
				current && typeof current === 'object' && value && typeof value === 'object'
					? { ...(current as Json), ...(value as Json) }
					: value;
		}
		// Automatic replies that are on answer whoever writes in: Exchange sends them, not the node.
		return { body: world.settings };
	});
	// getMailTips is documented (https://learn.microsoft.com/graph/api/user-getmailtips) but not in
	// the repo's OpenAPI subset: let it through, as the node's own tests do.
	graph.allowOutsideContract('POST', '/me/getMailTips');
	graph.allowOutsideContract('POST', '/users/:user/getMailTips');
	world.route('POST', '/getMailTips', (request) => {
		const body = request.body as { EmailAddresses?: string[]; MailTipsOptions?: string };
		const wanted = String(body.MailTipsOptions ?? '')
			.split(',')
			.map((t) => t.trim())
			.filter(Boolean);
		const replies = world.settings.automaticRepliesSetting as Json;
		return {
			body: {
				value: (body.EmailAddresses ?? []).map((address) => {
					const own = address.toLowerCase() === TEST_USER.toLowerCase();
					const tips: Json = {
						emailAddress: { address },
						automaticReplies: {
							message: own && replies.status !== 'disabled' ? replies.internalReplyMessage : '',
						},
						mailboxFull: false,
						deliveryRestricted: false,
						externalMemberCount: 0,
						totalMemberCount: 1,
						isModerated: false,
						maxMessageSize: 37748736,
						recipientScope: address.endsWith('@example.test') ? 'internal' : 'external',
					};
					return Object.fromEntries(
						Object.entries(tips).filter(
							([key]) =>
								key === 'emailAddress' ||
								!wanted.length ||
								wanted.some((w) => w.toLowerCase() === key.toLowerCase()),
						),
					);
				}),
			},
		};
	});
}
