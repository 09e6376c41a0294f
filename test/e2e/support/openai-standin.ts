/**
 * A stand-in for OpenAI's Chat Completions API on 127.0.0.1, for n8n's OpenAI Chat Model node
 * pointed at it through the OpenAI credential's Base URL. Each conversation follows a script: the
 * test says which tool the "model" calls next (with which arguments), or what it answers, given
 * what the agent sent so far. Every request is kept: the tools the agent offered (name,
 * description, JSON schema of their `$fromAI` parameters) and the tool results it sent back.
 * https://platform.openai.com/docs/api-reference/chat/create (request, response, streaming chunks)
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const OPENAI_PORT = Number(process.env.E2E_OPENAI_PORT ?? 18092);

export interface ChatMessage {
	role: 'system' | 'user' | 'assistant' | 'tool';
	content: string | null | Array<{ type: string; text?: string }>;
	tool_calls?: Array<{
		id: string;
		type: 'function';
		function: { name: string; arguments: string };
	}>;
	tool_call_id?: string;
}

export interface OfferedTool {
	type: 'function';
	function: { name: string; description: string; parameters: Record<string, unknown> };
}

export interface ChatRequest {
	model: string;
	messages: ChatMessage[];
	tools?: OfferedTool[];
	stream?: boolean;
}

/** The model's next move: call a tool, or answer (and end the agent's run). */
export type Turn = { call: string; args: Record<string, unknown> } | { answer: string };

/** What a script sees: the request, and the results of the tools called so far, in order. */
export interface ScriptContext {
	request: ChatRequest;
	results: string[];
}

export type Script = (context: ScriptContext) => Turn;

/** The text of a message's content. */
export function textOf(content: ChatMessage['content']): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) return content.map((part) => part.text ?? '').join('');
	return '';
}

export class OpenAiStandIn {
	readonly requests: ChatRequest[] = [];

	/** Requests with no script for their conversation, or that the script could not answer. */
	readonly problems: string[] = [];

	private scripts = new Map<string, Script>();

	private server!: http.Server;

	url = '';

	static async start(port = OPENAI_PORT): Promise<OpenAiStandIn> {
		const standIn = new OpenAiStandIn();
		standIn.server = http.createServer((req, res) => {
			standIn.handle(req, res).catch((error) => {
				standIn.problems.push(String(error));
				res.writeHead(500, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: { message: String(error), type: 'server_error' } }));
			});
		});
		await new Promise<void>((resolve) => standIn.server.listen(port, '127.0.0.1', resolve));
		standIn.url = `http://127.0.0.1:${(standIn.server.address() as AddressInfo).port}/v1`;
		return standIn;
	}

	async close(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	/** The conversation whose user message contains `marker` follows `script`. */
	script(marker: string, script: Script): void {
		this.scripts.set(marker, script);
	}

	/** The requests of the conversation whose user message contains `marker`. */
	conversation(marker: string): ChatRequest[] {
		return this.requests.filter((r) =>
			r.messages.some((m) => m.role === 'user' && textOf(m.content).includes(marker)),
		);
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const json = (status: number, body: unknown) => {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		};
		if (req.method === 'GET' && url.pathname === '/v1/models')
			return json(200, {
				object: 'list',
				data: [{ id: 'gpt-4o-mini', object: 'model', created: 0, owned_by: 'stand-in' }],
			});
		if (req.method !== 'POST' || url.pathname !== '/v1/chat/completions')
			return json(404, {
				error: { message: `No route ${req.method} ${url.pathname}`, type: 'invalid_request_error' },
			});

		const request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest;
		this.requests.push(request);
		const user = request.messages.find((m) => m.role === 'user');
		const marker = [...this.scripts.keys()].find((key) =>
			textOf(user?.content ?? '').includes(key),
		);
		if (!marker) {
			this.problems.push(`no script for "${textOf(user?.content ?? '').slice(0, 80)}"`);
			return json(400, {
				error: { message: 'No script for this conversation', type: 'invalid_request_error' },
			});
		}
		const results = request.messages.filter((m) => m.role === 'tool').map((m) => textOf(m.content));
		const turn = this.scripts.get(marker)!({ request, results });
		const id = `chatcmpl-${randomUUID()}`;
		const created = Math.floor(Date.now() / 1000);
		const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
		const message =
			'answer' in turn
				? { role: 'assistant', content: turn.answer }
				: {
						role: 'assistant',
						content: null,
						tool_calls: [
							{
								id: `call_${randomUUID().slice(0, 8)}`,
								type: 'function',
								function: { name: turn.call, arguments: JSON.stringify(turn.args) },
							},
						],
					};
		const finish = 'answer' in turn ? 'stop' : 'tool_calls';
		if (!request.stream)
			return json(200, {
				id,
				object: 'chat.completion',
				created,
				model: request.model,
				choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
				usage,
			});
		// Streaming: the same message as chunks, then [DONE].
		res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
		const chunk = (delta: unknown, finishReason: string | null, extra: object = {}) =>
			res.write(
				`data: ${JSON.stringify({
					id,
					object: 'chat.completion.chunk',
					created,
					model: request.model,
					choices: [{ index: 0, delta, finish_reason: finishReason }],
					...extra,
				})}\n\n`,
			);
		const { tool_calls: calls, ...rest } = message as {
			tool_calls?: Array<Record<string, unknown>>;
		};
		chunk(
			calls ? { ...rest, tool_calls: calls.map((call, index) => ({ index, ...call })) } : rest,
			null,
		);
		chunk({}, finish, { usage });
		res.end('data: [DONE]\n\n');
	}
}
