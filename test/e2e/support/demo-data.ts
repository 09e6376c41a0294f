/**
 * The demo world of `npm run dev -- --demo` and the baseline the e2e workflows run on: a mailbox
 * (folders, messages, drafts, attachments) and calendars (events, a weekly series) that every
 * Graph route of the demo reads and changes, with Graph's delta queries for the Outlook Trigger.
 * Its areas live in test/e2e/support/demo/ and are listed in demo/areas.ts.
 */
import type { GraphStandIn } from '../../support/graph-standin';
import { DEMO_AREAS } from './demo/areas';
import { DemoWorld } from './demo/world';

export { DEMO_CALENDAR } from './demo/calendar';
export { DemoWorld, DEMO_USER, demoEml } from './demo/world';
export type { DemoArea, DemoMail, SentMail } from './demo/world';

/** What the e2e scenarios call the demo mailbox: the demo world. */
export type DemoMailbox = DemoWorld;

/**
 * Registers the demo world on the stand-in, for `/me` and for `/users/{any address}`, and returns
 * it. The Graph routes of the delta queries come first; every area's routes are registered after.
 */
export function addDemoData(graph: GraphStandIn): DemoWorld {
	const world = new DemoWorld(graph);
	for (const root of ['/me', '/users/:user']) world.mailbox.install(graph, root);
	for (const area of DEMO_AREAS) area(graph, world);
	return world;
}
