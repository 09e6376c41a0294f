/**
 * Every area of the demo world, in the order they register (a later route wins over an earlier
 * one for the same path). A new area is one file in this folder exporting
 * `addDemoX(graph: GraphStandIn, world: DemoWorld): void` and one line here; the every-operation
 * test (test/demo/every-operation.test.ts) then runs each operation of both Graph nodes and each
 * Outlook Trigger event against the demo with it.
 */
import { addDemoCalendar } from './calendar';
import { addDemoDirectoryArea } from './directory';
import { addDemoMail } from './mail';
import { addDemoSettings } from './settings';
import type { DemoArea } from './world';

export const DEMO_AREAS: DemoArea[] = [
	addDemoSettings,
	addDemoMail,
	addDemoCalendar,
	addDemoDirectoryArea,
];
