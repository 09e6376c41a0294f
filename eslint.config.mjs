// Lint: TypeScript's recommended rules plus n8n's community-node rules.
//
// We use `recommendedWithoutN8nCloudSupport`, not `recommended`: this package has runtime
// dependencies (imapflow, mailparser, @microsoft/microsoft-graph-client) and a trigger that
// holds an IMAP socket and timers, which n8n Cloud does not allow for community nodes. The
// package targets self-hosted n8n (see README, "n8n Cloud").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { configs as n8nConfigs } from '@n8n/eslint-plugin-community-nodes';

export default tseslint.config(
	{
		ignores: [
			'dist/**',
			'node_modules/**',
			'coverage/**',
			'.cache/**',
			'docs/**',
			'**/*.js',
			'**/*.mjs',
		],
	},
	js.configs.recommended,
	...tseslint.configs.recommended,
	{
		files: ['**/*.ts'],
		rules: {
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
			],
			'@typescript-eslint/ban-ts-comment': [
				'error',
				{ 'ts-ignore': true, 'ts-expect-error': 'allow-with-description' },
			],
		},
	},
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
		...n8nConfigs.recommendedWithoutN8nCloudSupport,
	},
	{
		files: ['test/**/*.ts', 'bench/**/*.ts'],
		rules: {
			'@typescript-eslint/no-non-null-assertion': 'off',
		},
	},
);
