/**
 * What the editor shows a newcomer (issue 15): Send's To and Subject are marked required, the
 * recipients' hint keeps `<bob@contoso.com>` (n8n renders descriptions as HTML), and the
 * attachments option's label fits the Options list.
 */
import type { INodeProperties } from 'n8n-workflow';

import { OutlookMail } from '../../nodes/OutlookMail/OutlookMail.node';

const properties = new OutlookMail().description.properties;

/** The fields shown for one resource/operation. */
function fieldsOf(resource: string, operation: string): INodeProperties[] {
	return properties.filter((p) => {
		const show = p.displayOptions?.show;
		return show?.resource?.includes(resource) && show?.operation?.includes(operation);
	});
}

function all(list: INodeProperties[]): INodeProperties[] {
	return list.flatMap((p) => [
		p,
		...all(((p.options ?? []) as INodeProperties[]).filter((o) => 'type' in o)),
	]);
}

it('Message → Send marks To and Subject required; Draft → Create does not', () => {
	const send = fieldsOf('message', 'send');
	expect(send.find((p) => p.name === 'toRecipients')).toMatchObject({ required: true });
	expect(send.find((p) => p.name === 'subject')).toMatchObject({ required: true });
	const draft = fieldsOf('draft', 'create');
	expect(draft.find((p) => p.name === 'subject')?.required).toBeFalsy();
});

it('no description holds an address in angle brackets that HTML would swallow', () => {
	const raw = all(properties).filter((p) => /<[^<>\s]+@[^<>\s]+>/.test(p.description ?? ''));
	expect(raw.map((p) => p.name)).toEqual([]);
	const to = fieldsOf('message', 'send').find((p) => p.name === 'toRecipients');
	expect(to?.description).toContain('Bob &lt;bob@contoso.com&gt;');
});

it('the attachments option has a label short enough not to be cut in the Options list', () => {
	const attachments = all(properties).filter((p) => p.name === 'attachments');
	expect(attachments.length).toBeGreaterThan(0);
	for (const field of attachments) expect(field.displayName.length).toBeLessThanOrEqual(20);
});
