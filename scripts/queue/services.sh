#!/usr/bin/env bash
# Redis and PostgreSQL for n8n's queue mode, as the test run's OWN instances: Debian's redis-server
# and postgresql started on 127.0.0.1 from a temporary folder (nothing system-wide is touched), and
# stopped after. Installs the Debian packages with apt-get when they are missing (CI machines start
# without them).
#
# Usage:
#   bash scripts/queue/services.sh start <state dir> [redis port] [postgres port]
#        prints one JSON line: {"redisHost","redisPort","pgHost","pgPort","pgDatabase","pgUser","pgPassword"}
#   bash scripts/queue/services.sh stop <state dir>
#   bash scripts/queue/services.sh install      (only the apt-get part)
#
# PostgreSQL refuses to run as root, so when this runs as root the server runs as Debian's
# `postgres` user (setpriv) from a data folder owned by that user.
set -euo pipefail

log() { printf '[queue-services] %s\n' "$*" >&2; }

pg_bin_dir() {
	local dir
	dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
	[[ -n "$dir" && -x "$dir/initdb" ]] && echo "$dir"
}

install_packages() {
	local missing=()
	command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
	pg_bin_dir >/dev/null || missing+=(postgresql)
	command -v psql >/dev/null 2>&1 || missing+=(postgresql-client)
	[[ ${#missing[@]} -eq 0 ]] && return 0
	bash "$(dirname "${BASH_SOURCE[0]}")/../apt-install.sh" "${missing[@]}"
}

# Runs a command as the postgres user when we are root.
as_pg() {
	if [[ "$(id -u)" -eq 0 ]]; then
		setpriv --reuid=postgres --regid=postgres --init-groups "$@"
	else
		"$@"
	fi
}

wait_port() {
	local port="$1" what="$2" i
	for ((i = 0; i < 200; i++)); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
		sleep 0.1
	done
	log "$what did not listen on 127.0.0.1:$port"
	return 1
}

start() {
	local state="$1" redis_port="${2:-16379}" pg_port="${3:-15432}"
	[[ -n "$redis_port" ]] || redis_port=16379
	[[ -n "$pg_port" ]] || pg_port=15432 bin pgdir
	install_packages
	mkdir -p "$state"
	state="$(cd "$state" && pwd)"

	# Redis: no persistence (the queue is the test run's, thrown away after).
	redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no --daemonize yes \
		--pidfile "$state/redis.pid" --logfile "$state/redis.log" --dir "$state"
	wait_port "$redis_port" redis
	echo "$redis_port" >"$state/redis.port"

	# PostgreSQL: its own cluster in a folder the postgres user can reach (the run folder may be 0700).
	bin="$(pg_bin_dir)"
	pgdir="$(mktemp -d "${TMPDIR:-/tmp}/outlook-queue-pg.XXXXXX")"
	chmod 0755 "$pgdir"
	mkdir -p "$pgdir/data"
	[[ "$(id -u)" -eq 0 ]] && chown -R postgres:postgres "$pgdir"
	echo "$pgdir" >"$state/pg.dir"
	as_pg "$bin/initdb" -D "$pgdir/data" -U postgres --auth=trust -E UTF8 --no-locale >"$state/initdb.log" 2>&1 ||
		{ cat "$state/initdb.log" >&2; return 1; }
	# fsync off: a throw-away test database; durability across an OS crash is not under test.
	as_pg "$bin/pg_ctl" -D "$pgdir/data" -l "$pgdir/postgres.log" -w -t 60 start \
		-o "-c listen_addresses=127.0.0.1 -p $pg_port -c unix_socket_directories='$pgdir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null ||
		{ cat "$pgdir/postgres.log" >&2; return 1; }
	psql -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q -c 'CREATE DATABASE n8n' >/dev/null
	printf '{"redisHost":"127.0.0.1","redisPort":%s,"pgHost":"127.0.0.1","pgPort":%s,"pgDatabase":"n8n","pgUser":"postgres","pgPassword":""}\n' "$redis_port" "$pg_port"
}

stop() {
	local state="$1" bin pgdir pid
	if [[ -f "$state/redis.pid" ]]; then
		pid="$(cat "$state/redis.pid")"
		kill "$pid" 2>/dev/null || true
		for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		rm -f "$state/redis.pid"
	fi
	if [[ -f "$state/pg.dir" ]]; then
		pgdir="$(cat "$state/pg.dir")"
		bin="$(pg_bin_dir)"
		if [[ -f "$pgdir/data/postmaster.pid" ]]; then
			as_pg "$bin/pg_ctl" -D "$pgdir/data" -m fast -w -t 60 stop >/dev/null || true
		fi
		# Keep the server log with the run's logs, then drop the cluster.
		[[ -f "$pgdir/postgres.log" ]] && cp "$pgdir/postgres.log" "$state/postgres.log"
		rm -rf "$pgdir"
		rm -f "$state/pg.dir"
	fi
}

case "${1:-}" in
	start) start "${2:?state dir}" "${3:-}" "${4:-}" ;;
	stop) stop "${2:?state dir}" ;;
	install) install_packages ;;
	*) echo "usage: $0 start|stop <state dir> [redis port] [postgres port] | install" >&2; exit 2 ;;
esac
