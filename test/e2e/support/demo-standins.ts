/**
 * `npm run dev -- --demo`: the identity-provider and Graph stand-ins with a demo mailbox, as a
 * plain Node program (scripts/dev.sh compiles it into the cache folder and runs it).
 * Ports: OUTLOOK_DEMO_IDP_PORT (18080) and OUTLOOK_DEMO_GRAPH_PORT (18081).
 */
import { GraphStandIn } from '../../support/graph-standin';
import { IdentityProviderStandIn } from '../../support/identity-provider';
import { addDemoData } from './demo-data';

async function main() {
	const idp = await IdentityProviderStandIn.start({
		port: Number(process.env.OUTLOOK_DEMO_IDP_PORT ?? 18080),
	});
	const graph = await GraphStandIn.start(idp, Number(process.env.OUTLOOK_DEMO_GRAPH_PORT ?? 18081));
	addDemoData(graph);
	// Print what a request did, never a token: the demo is for watching what the nodes send.
	const seen = { idp: 0, graph: 0 };
	setInterval(() => {
		for (const r of idp.requests.slice(seen.idp))
			console.log(
				`[identity provider] ${r.method} ${r.path}${r.form.grant_type ? ` (${r.form.grant_type})` : ''}`,
			);
		for (const r of graph.requests.slice(seen.graph))
			console.log(`[graph] ${r.method} /v1.0${r.path}${r.inBatch ? ' (in $batch)' : ''}`);
		for (const v of graph.violations.splice(0))
			console.log(`[graph] NOT IN MICROSOFT'S DESCRIPTION: ${v}`);
		seen.idp = idp.requests.length;
		seen.graph = graph.requests.length;
	}, 500).unref();
	console.log(
		JSON.stringify({
			ready: true,
			authority: idp.authority,
			graph: graph.url,
			clientId: idp.clientId,
			clientSecret: idp.clientSecret,
		}),
	);
	const stop = () => {
		void Promise.all([graph.close(), idp.close()]).then(() => process.exit(0));
	};
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
