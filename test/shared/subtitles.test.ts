/**
 * The canvas subtitles show the words the dropdowns show (issue #26: "getAll: event", "send:
 * message", "messageReceived" were shown). Evaluated as the editor evaluates them (editor-ui's
 * getNodeSubtitle: `workflow.expression.getSimpleParameterValue(node, subtitle, 'internal', {})`),
 * for every operation of the resource tables and every event of the Outlook Trigger.
 */
import type { INode, INodeParameters, INodeProperties, INodeType } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { OutlookCalendar } from '../../nodes/OutlookCalendar/OutlookCalendar.node';
import { resources as calendarResources } from '../../nodes/OutlookCalendar/actions/router';
import { OutlookMail } from '../../nodes/OutlookMail/OutlookMail.node';
import { resources as mailResources } from '../../nodes/OutlookMail/actions/router';
import { OutlookTrigger } from '../../nodes/OutlookTrigger/OutlookTrigger.node';
import type { Resource } from '../../nodes/shared/resources';
import { MapNodeTypes } from '../support/n8n-harness';

function subtitleOf(type: string, nodeType: INodeType, parameters: INodeParameters): unknown {
	const node: INode = {
		id: 'n',
		name: 'Node',
		type,
		typeVersion: 1,
		position: [0, 0],
		parameters,
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: new MapNodeTypes({ [type]: nodeType }),
	});
	return workflow.expression.getSimpleParameterValue(
		node,
		nodeType.description.subtitle!,
		'internal',
		{},
	);
}

describe.each([
	['outlookMail', new OutlookMail(), mailResources],
	['outlookCalendar', new OutlookCalendar(), calendarResources],
] as Array<[string, INodeType, Resource[]]>)('%s subtitle', (type, nodeType, resources) => {
	const cases = resources.flatMap((resource) =>
		(
			resource.description.find((p) => p.name === 'operation')!.options as Array<{
				name: string;
				value: string;
			}>
		).map((o) => [resource.option, o] as const),
	);
	it.each(cases.map(([r, o]) => [`${r.name} → ${o.name}`, r, o]))(
		'%s shows the dropdown words',
		(_label, resource, operation) => {
			expect(
				subtitleOf(type, nodeType, { resource: resource.value, operation: operation.value }),
			).toBe(`${operation.name}: ${resource.name}`);
		},
	);
});

describe('Outlook Trigger subtitle', () => {
	const trigger = new OutlookTrigger();
	const events = trigger.description.properties.find((p: INodeProperties) => p.name === 'event')!
		.options as Array<{ name: string; value: string }>;
	it.each(events.map((e) => [e.value, e.name]))('%s shows "%s"', (value, name) => {
		expect(subtitleOf('outlookTrigger', trigger, { event: value })).toBe(name);
	});
});
