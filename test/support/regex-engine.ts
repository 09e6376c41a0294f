/**
 * n8n-workflow 2.41 runs the regular expressions of `displayOptions` conditions (the credential's
 * Tenant and Client ID notices use `_cnd: { regex }`) in a `node:vm` context with a 250 ms
 * wall-clock timeout. The patterns are linear and take microseconds, but on a loaded 2-core CI
 * machine the test process can be descheduled for longer than that, and n8n-workflow then throws
 * "Regular expression execution timed out" from whatever resolved the credential (seen under load
 * in `npm test`, never alone). Tests install the same engine with a 10 s timeout: same `RegExp`
 * semantics in a separate context, only the watchdog is patient.
 */
import vm from 'node:vm';

import { setSafeRegexEngine, type RegexEngine } from 'n8n-workflow';

const TIMEOUT_MS = 10_000;

function patientVmEngine(): RegexEngine {
	const context = {
		flags: '',
		input: '',
		pattern: '',
		replacement: '',
		result: undefined as unknown,
	};
	const sandbox = vm.createContext(context);
	const scripts = {
		exec: new vm.Script('result = new RegExp(pattern, flags).exec(input)'),
		test: new vm.Script('result = new RegExp(pattern, flags).test(input)'),
		replace: new vm.Script('result = input.replace(new RegExp(pattern, flags), replacement)'),
		matchAll: new vm.Script('result = Array.from(input.matchAll(new RegExp(pattern, flags)))'),
		split: new vm.Script('result = input.split(new RegExp(pattern, flags))'),
	};
	const run = (script: vm.Script, pattern: string, input: string, flags = '', replacement = '') => {
		Object.assign(context, { pattern, input, flags, replacement, result: undefined });
		script.runInContext(sandbox, { timeout: TIMEOUT_MS });
		return context.result;
	};
	return {
		exec: (pattern, input, flags) =>
			run(scripts.exec, pattern, input, flags) as RegExpExecArray | null,
		test: (pattern, input, flags) => run(scripts.test, pattern, input, flags) as boolean,
		replace: (pattern, input, flags, replacement) =>
			run(scripts.replace, pattern, input, flags, replacement) as string,
		matchAll: (pattern, input, flags) => {
			// matchAll needs the global flag, as n8n-workflow's engine adds it.
			const global = flags?.includes('g') ? flags : `${flags ?? ''}g`;
			return run(scripts.matchAll, pattern, input, global) as RegExpMatchArray[];
		},
		split: (pattern, input, flags) => run(scripts.split, pattern, input, flags) as string[],
	};
}

setSafeRegexEngine(patientVmEngine());
