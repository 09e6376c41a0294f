/**
 * The Outlook Trigger's type is `outlookMailTrigger` (so n8n's node panel lists it among Outlook
 * Mail's triggers); workflows saved with its first type, `outlookTrigger`, still open and run: the
 * package also registers that type, hidden from the panel, with the same behaviour.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { OutlookTrigger } from '../../nodes/OutlookTrigger/OutlookTrigger.node';
import { OutlookTriggerLegacy } from '../../nodes/OutlookTrigger/OutlookTriggerLegacy.node';
import { connectedCredential } from '../support/fixtures';
import { N8nHarness } from '../support/n8n-harness';
import { PollRunner, TRIGGER, useTrigger } from './support';

const rl = (value: string) => ({ __rl: true, mode: 'id', value });

describe('Outlook Trigger under its first type name', () => {
	const t = useTrigger();

	it('is registered by the package, hidden from the node panel, and otherwise the same node', () => {
		const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as {
			n8n: { nodes: string[] };
		};
		expect(pkg.n8n.nodes).toEqual(
			expect.arrayContaining([
				'dist/nodes/OutlookTrigger/OutlookTrigger.node.js',
				'dist/nodes/OutlookTrigger/OutlookTriggerLegacy.node.js',
			]),
		);
		const current = new OutlookTrigger();
		const legacy = new OutlookTriggerLegacy();
		expect(current.description.name).toBe('outlookMailTrigger');
		expect(current.description.hidden).toBeUndefined();
		expect(legacy.description).toEqual({
			...current.description,
			name: 'outlookTrigger',
			hidden: true,
		});
		expect(legacy.poll).toBe(current.poll);
		expect(legacy.methods).toEqual(current.methods);
	});

	it('a workflow saved with the old type polls as before', async () => {
		expect(TRIGGER).toBe('outlookTrigger');
		const n8n = new N8nHarness({ [TRIGGER]: new OutlookTriggerLegacy() }, connectedCredential(t.s));
		const runner = new PollRunner(n8n, {
			event: 'messageReceived',
			folders: { folder: [{ folder: rl('inbox') }] },
			output: 'raw',
		});
		expect(await runner.poll()).toEqual([]);
		const id = t.mailbox.deliver('inbox', { subject: 'Saved before the rename' });
		const items = await runner.poll();
		expect(items.map((item) => [item.id, item.subject])).toEqual([[id, 'Saved before the rename']]);
	});
});
