/**
 * The e2e stage: one real n8n for the whole run (test/e2e/run.sh starts jest with this config).
 * The main jest config ignores test/e2e.
 */
const path = require('path');

/** @type {import('jest').Config} */
module.exports = {
	rootDir: path.resolve(__dirname, '../..'),
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.ts'],
	transform: {
		// Type checking is done once by `tsc --noEmit` in the test script; ts-jest only transpiles.
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
	},
	// One n8n, one port set: the scenarios run in one file, one after the other.
	maxWorkers: 1,
	testTimeout: 120000,
	setupFiles: ['<rootDir>/test/support/setup-env.ts'],
};
