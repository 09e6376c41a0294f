/**
 * A real Dovecot 2.3 IMAP server with SASL XOAUTH2 on 127.0.0.1, for the trigger's real-server
 * tests, the e2e suites and the IMAP bench. Each call to `startDovecot` makes its own temporary
 * folder, configuration and free ports, so suites can run in parallel.
 *
 * Tokens are checked by Dovecot's oauth2 passdb against the identity-provider stand-in's
 * `/introspect` endpoint (which accepts only IMAP-audience tokens). Recipe and measurements:
 * /work/shared/recipes/dovecot-xoauth2.md.
 *
 * Dovecot drops to `nobody`; when this process is root the master and every doveadm command run
 * as `nobody` through `setpriv` (Dovecot refuses to run mail processes as root).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
	chmodSync,
	chownSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmSync,
	utimesSync,
	writeFileSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const DOVECOT = '/usr/sbin/dovecot';
const DOVEADM = '/usr/bin/doveadm';
const NOBODY_UID = 65534;
const NOGROUP_GID = 65534;

export interface DovecotOptions {
	/** Base URL of the identity-provider stand-in (its `/introspect` checks the tokens). */
	idpUrl: string;
	/** The default user for helpers that take a user (default alice@example.test). */
	user?: string;
	/** Fixed IMAPS and plain IMAP ports (the demo's); free ports when not given. */
	port?: number;
	plainPort?: number;
	/**
	 * false: a server without TLS at all (`ssl = no`): no IMAPS listener, no STARTTLS in its
	 * capabilities; `port` is then the plain port too. Default true.
	 */
	tls?: boolean;
}

export interface DovecotSession {
	username: string;
	service: string;
	pid: string;
	ip: string;
}

export interface Dovecot {
	host: string;
	/** IMAPS (implicit TLS, self-signed certificate). */
	port: number;
	/** Plain IMAP (STARTTLS offered; connect with doSTARTTLS: false for plaintext). */
	plainPort: number;
	user: string;
	/** The rig's folder (configuration, logs, mail). */
	dir: string;
	/** PEM of the self-signed certificate (for clients that want to verify it). */
	certificate: string;
	/** Delivers one message with `doveadm save` (assigns the next UID at once). */
	appendMessage(eml: string | Buffer, mailbox?: string, user?: string): Promise<void>;
	/**
	 * Drops many messages straight into the Maildir's `new/` folder, the way a local delivery agent
	 * does; Dovecot assigns UIDs when it next syncs the folder. Fast (no process per message):
	 * for backlogs of thousands. `receivedAt` sets the file time (Dovecot's INTERNALDATE).
	 */
	dropMessages(
		emls: Array<string | Buffer>,
		options?: {
			mailbox?: string;
			user?: string;
			receivedAt?: Date;
			seen?: boolean;
			/** Mode 000: Dovecot cannot read the file, so every FETCH of it ends the session with BYE. */
			unreadable?: boolean;
		},
	): Promise<void>;
	/** Makes every message file of a mailbox readable again (undoes `unreadable`). */
	makeReadable(mailbox?: string, user?: string): Promise<void>;
	/** `doveadm mailbox update --uid-validity`: a new UIDVALIDITY, the messages stay (an index rebuild). */
	setUidValidity(mailbox: string, uidValidity: number, user?: string): Promise<void>;
	/** `doveadm kick`: ends every IMAP session of the user (the server closes the socket); resolves to 0 when none was open. */
	kick(user?: string): Promise<number>;
	/** Stops and starts the master process (every session drops; listeners come back on the same ports). */
	restart(): Promise<void>;
	createMailbox(name: string, user?: string): Promise<void>;
	/** Deletes a mailbox with its messages; recreating it gives it a new UIDVALIDITY. */
	deleteMailbox(name: string, user?: string): Promise<void>;
	/** Deletes and recreates a mailbox (UIDVALIDITY changes). */
	recreateMailbox(name: string, user?: string): Promise<void>;
	/** `doveadm mailbox status`: uidvalidity, uidnext, messages, unseen. */
	status(
		mailbox?: string,
		user?: string,
	): Promise<{ uidValidity: number; uidNext: number; messages: number; unseen: number }>;
	/** Flags of every message in a mailbox, by UID. */
	flags(mailbox?: string, user?: string): Promise<Map<number, string[]>>;
	/** `doveadm who`: the IMAP sessions currently open. */
	who(): Promise<DovecotSession[]>;
	/** Dovecot's log so far (for failure messages; holds no tokens: auth_debug is off). */
	log(): string;
	stop(): Promise<void>;
}

async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** argv that runs a command as Dovecot's user when we are root. */
function asDovecotUser(command: string, args: string[]): [string, string[]] {
	if (!isRoot()) return [command, args];
	return ['setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', command, ...args]];
}

function chownTree(path: string) {
	if (!isRoot()) return;
	chownSync(path, NOBODY_UID, NOGROUP_GID);
}

/**
 * A login handed to an imap process while the master is going down can leave that process running
 * without a master (it still serves its client). Dovecot titles every process of an instance
 * "dovecot-<instance_name>/…", and the name is unique per rig, so these PIDs are ours to end.
 */
function killLeftovers(instanceName: string) {
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		let cmdline = '';
		try {
			cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
		} catch {
			continue;
		}
		if (cmdline.includes(`${instanceName}/`) || cmdline.includes(`${instanceName} `)) {
			try {
				process.kill(Number(entry), 'SIGKILL');
			} catch {
				// already gone
			}
		}
	}
}

export function dovecotInstalled(): boolean {
	return existsSync(DOVECOT) && existsSync('/usr/lib/dovecot/imap');
}

export async function startDovecot(options: DovecotOptions): Promise<Dovecot> {
	if (!dovecotInstalled()) {
		throw new Error(
			'Dovecot is not installed: run `bash test/rig/install-system-packages.sh` (Debian: dovecot-core dovecot-imapd)',
		);
	}
	const user = options.user ?? 'alice@example.test';
	const dir = mkdtempSync(join(tmpdir(), 'dovecot-rig-'));
	for (const sub of ['run', 'state', 'log', 'certs', 'mail']) mkdirSync(join(dir, sub));
	const tls = options.tls !== false;
	const plainPort = options.plainPort ?? (await freePort());
	const port = tls ? (options.port ?? (await freePort())) : plainPort;

	await run('openssl', [
		'req',
		'-x509',
		'-newkey',
		'rsa:2048',
		'-nodes',
		'-days',
		'2',
		'-subj',
		'/CN=127.0.0.1',
		'-addext',
		'subjectAltName=IP:127.0.0.1,DNS:localhost',
		'-keyout',
		join(dir, 'certs/key.pem'),
		'-out',
		join(dir, 'certs/cert.pem'),
	]);
	const introspection = new URL('/introspect', options.idpUrl).toString();
	writeFileSync(
		join(dir, 'dovecot-oauth2.conf.ext'),
		[
			'introspection_mode = post',
			`introspection_url = ${introspection}`,
			'force_introspection = yes',
			'username_attribute = username',
			'active_attribute = active',
			'active_value = true',
			'timeout_msecs = 5000',
			'',
		].join('\n'),
	);
	const conf = join(dir, 'dovecot.conf');
	const instanceName = `imap-test-${randomBytes(4).toString('hex')}`;
	writeFileSync(
		conf,
		`instance_name = ${instanceName}
base_dir = ${dir}/run
state_dir = ${dir}/state
protocols = imap
listen = 127.0.0.1
log_path = ${dir}/log/dovecot.log
default_internal_user = nobody
default_internal_group = nogroup
default_login_user = nobody
first_valid_uid = ${NOBODY_UID}
last_valid_uid = ${NOBODY_UID}
${
	tls
		? `ssl = yes
ssl_cert = <${dir}/certs/cert.pem
ssl_key = <${dir}/certs/key.pem`
		: 'ssl = no'
}
disable_plaintext_auth = no
# Exchange Online advertises XOAUTH2 (and PLAIN); imapflow prefers OAUTHBEARER when offered.
auth_mechanisms = xoauth2 plain
auth_failure_delay = 0
passdb {
  driver = oauth2
  args = ${dir}/dovecot-oauth2.conf.ext
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=${dir}/mail/%Lu allow_all_users=yes
}
mail_location = maildir:~/Maildir
# Up to 100 sessions from 127.0.0.1 per user (the default 10 is too few for the cycle test).
mail_max_userip_connections = 100
service anvil {
  chroot =
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service imap-login {
  chroot =
  inet_listener imap {
    port = ${plainPort}
  }
  inet_listener imaps {
    port = ${tls ? port : 0}
    ssl = ${tls ? 'yes' : 'no'}
  }
}
`,
	);
	for (const path of [
		dir,
		...[
			'run',
			'state',
			'log',
			'certs',
			'mail',
			'certs/key.pem',
			'certs/cert.pem',
			'dovecot.conf',
			'dovecot-oauth2.conf.ext',
		].map((p) => join(dir, p)),
	]) {
		chownTree(path);
	}

	let master: ChildProcess | undefined;
	const logFile = join(dir, 'log/dovecot.log');

	const waitForPort = async (p: number, timeoutMs = 10_000) => {
		const until = Date.now() + timeoutMs;
		for (;;) {
			const open = await new Promise<boolean>((resolve) => {
				const socket = connect(p, '127.0.0.1');
				socket.once('connect', () => {
					socket.destroy();
					resolve(true);
				});
				socket.once('error', () => resolve(false));
			});
			if (open) return;
			if (Date.now() > until) throw new Error(`Dovecot did not listen on ${p}:\n${readLog()}`);
			await new Promise((r) => setTimeout(r, 50));
		}
	};

	const readLog = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');

	const startMaster = async () => {
		rmSync(join(dir, 'run/anvil-auth-penalty'), { force: true });
		const [cmd, args] = asDovecotUser(DOVECOT, ['-F', '-c', conf]);
		const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
		let stderr = '';
		child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
		master = child;
		await Promise.race([
			Promise.all([waitForPort(port), waitForPort(plainPort)]),
			new Promise((_, reject) =>
				child.once('exit', (code) =>
					reject(new Error(`Dovecot exited (${code}): ${stderr}\n${readLog()}`)),
				),
			),
		]);
	};

	const stopMaster = async () => {
		const child = master;
		master = undefined;
		if (!child || child.exitCode !== null || child.signalCode !== null) return;
		const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
		// setpriv execs dovecot, so the PID is the master's.
		child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
		await exited;
		clearTimeout(timer);
		killLeftovers(instanceName);
		// Dovecot refuses to start while master.pid names a live process.
		rmSync(join(dir, 'run/master.pid'), { force: true });
	};

	const doveadm = async (
		args: string[],
		input?: string | Buffer,
		okCodes: number[] = [],
	): Promise<string> => {
		const [cmd, argv] = asDovecotUser(DOVEADM, ['-c', conf, ...args]);
		return await new Promise((resolve, reject) => {
			const child = execFile(
				cmd,
				argv,
				{ maxBuffer: 64 * 1024 * 1024 },
				(error, stdout, stderr) => {
					const code = typeof error?.code === 'number' ? error.code : undefined;
					if (error && !(code !== undefined && okCodes.includes(code)))
						reject(
							new Error(`doveadm ${args.join(' ')} failed (${code ?? error.message}): ${stderr}`),
						);
					else resolve(stdout);
				},
			);
			if (input !== undefined) child.stdin?.end(input);
		});
	};

	await startMaster();

	const maildir = (mailbox: string, u: string) => {
		const base = join(dir, 'mail', u.toLowerCase(), 'Maildir');
		// Maildir++: INBOX is the root, other folders are ".Name" with "." as the hierarchy separator.
		return mailbox.toUpperCase() === 'INBOX' ? base : join(base, `.${mailbox.replace(/\//g, '.')}`);
	};

	let dropCounter = 0;
	const rig: Dovecot = {
		host: '127.0.0.1',
		port,
		plainPort,
		user,
		dir,
		certificate: readFileSync(join(dir, 'certs/cert.pem'), 'utf8'),
		async appendMessage(eml, mailbox = 'INBOX', u = user) {
			await doveadm(['save', '-u', u, '-m', mailbox], eml);
		},
		async dropMessages(emls, opts = {}) {
			const u = opts.user ?? user;
			const folder = maildir(opts.mailbox ?? 'INBOX', u);
			// Make sure the mailbox exists (doveadm creates the Maildir on first access).
			await doveadm(['mailbox', 'status', '-u', u, 'messages', opts.mailbox ?? 'INBOX']);
			for (const sub of ['tmp', 'new', 'cur']) {
				mkdirSync(join(folder, sub), { recursive: true });
				chownTree(join(folder, sub));
			}
			for (const eml of emls) {
				const name = `${Math.floor(Date.now() / 1000)}.R${randomBytes(6).toString('hex')}P${process.pid}Q${dropCounter++}.rig`;
				const tmpPath = join(folder, 'tmp', name);
				writeFileSync(tmpPath, eml);
				chownTree(tmpPath);
				if (opts.receivedAt) utimesSync(tmpPath, opts.receivedAt, opts.receivedAt);
				// rename() into new/ is Maildir's atomic delivery; cur/ with ":2,S" is a message already read.
				const finalPath = opts.seen
					? join(folder, 'cur', `${name}:2,S`)
					: join(folder, 'new', name);
				renameSync(tmpPath, finalPath);
				if (opts.unreadable) chmodSync(finalPath, 0o000);
			}
		},
		async makeReadable(mailbox = 'INBOX', u = user) {
			const folder = maildir(mailbox, u);
			for (const sub of ['new', 'cur']) {
				if (!existsSync(join(folder, sub))) continue;
				for (const file of readdirSync(join(folder, sub)))
					chmodSync(join(folder, sub, file), 0o600);
			}
		},
		async setUidValidity(mailbox, uidValidity, u = user) {
			await doveadm(['mailbox', 'update', '-u', u, '--uid-validity', String(uidValidity), mailbox]);
		},
		async kick(u = user) {
			// Exit code 68 (EX_NOUSER): nobody was connected, so nobody was kicked.
			const out = await doveadm(['kick', u], undefined, [68]);
			return /kicked/i.test(out) ? Math.max(1, (out.match(/\S+@\S+/g) ?? []).length) : 0;
		},
		async restart() {
			await stopMaster();
			await startMaster();
		},
		async createMailbox(name, u = user) {
			await doveadm(['mailbox', 'create', '-u', u, name]);
		},
		async deleteMailbox(name, u = user) {
			await doveadm(['mailbox', 'delete', '-u', u, '-r', name]);
		},
		async recreateMailbox(name, u = user) {
			await rig.deleteMailbox(name, u);
			await rig.createMailbox(name, u);
		},
		async status(mailbox = 'INBOX', u = user) {
			const out = await doveadm([
				'-f',
				'flow',
				'mailbox',
				'status',
				'-u',
				u,
				'uidvalidity uidnext messages unseen',
				mailbox,
			]);
			const field = (name: string) => Number(new RegExp(`${name}=(\\d+)`).exec(out)?.[1] ?? NaN);
			return {
				uidValidity: field('uidvalidity'),
				uidNext: field('uidnext'),
				messages: field('messages'),
				unseen: field('unseen'),
			};
		},
		async flags(mailbox = 'INBOX', u = user) {
			const out = await doveadm(['-f', 'tab', 'fetch', '-u', u, 'uid flags', 'mailbox', mailbox]);
			const result = new Map<number, string[]>();
			for (const line of out.split('\n').slice(1)) {
				const [uid, flags] = line.split('\t');
				if (uid && /^\d+$/.test(uid))
					result.set(Number(uid), (flags ?? '').split(' ').filter(Boolean));
			}
			return result;
		},
		async who() {
			const out = await doveadm(['-f', 'tab', 'who', '-1']);
			return out
				.split('\n')
				.slice(1)
				.filter(Boolean)
				.map((line) => {
					const [username, service, pid, ip] = line.split('\t');
					return { username, service, pid, ip };
				});
		},
		log: readLog,
		async stop() {
			await stopMaster();
			rmSync(dir, { recursive: true, force: true });
		},
	};
	return rig;
}
