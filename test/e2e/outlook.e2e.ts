/**
 * End to end: the packed package in a real n8n (test/e2e/run.sh). One n8n and one set of stand-ins
 * for all scenarios, in the order of the issue.
 */
import { E2eEnvironment } from './support/environment';
import { aiAgentScenario } from './scenarios/aiAgent';
import { appOnlyScenario } from './scenarios/appOnly';
import { connectScenario } from './scenarios/connect';
import { contactsCategoriesScenario } from './scenarios/contactsCategories';
import { editorScenario } from './scenarios/editor';
import { loadingScenario } from './scenarios/loading';
import { mailDraftsScenario } from './scenarios/mailDrafts';
import { pollTriggerScenario } from './scenarios/pollTrigger';
import { pushTriggerScenario } from './scenarios/pushTrigger';
import { sendAndWaitScenario } from './scenarios/sendAndWait';
import { tokensScenario } from './scenarios/tokens';
import { triggerScenario } from './scenarios/trigger';
import { workflowsScenario } from './scenarios/workflows';

const env = new E2eEnvironment();

beforeAll(async () => {
	await env.start();
}, 180_000);

afterAll(async () => {
	await env.stop();
}, 60_000);

describe('1. loading', () => loadingScenario(env));
// The editor first: a newcomer's n8n, with no credential yet (the node offers "Connect to Outlook").
describe('6. editor', () => editorScenario(env));
describe('2. connect flow', () => connectScenario(env));
describe('3. workflows', () => workflowsScenario(env));
describe('4. token life', () => tokensScenario(env));
describe('5. trigger', () => triggerScenario(env));
describe('7. poll trigger', () => pollTriggerScenario(env));
describe('8. drafts and threads', () => mailDraftsScenario(env));
describe('9. send and wait', () => sendAndWaitScenario(env));
describe('10. app-only', () => appOnlyScenario(env));
describe('11. contacts and categories', () => contactsCategoriesScenario(env));
describe('12. AI agent', () => aiAgentScenario(env));
describe('13. push trigger', () => pushTriggerScenario(env));
