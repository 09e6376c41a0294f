#!/usr/bin/env bash
# Source this file for `clean_npm_env CMD...`: runs CMD without the npm_* variables an enclosing
# `npm run …` exported. Those carry the repository's .npmrc (ignore-scripts=true: with it
# `npm rebuild sqlite3` silently builds nothing), its local prefix and lifecycle settings into
# installs that happen in other folders (n8n's cache, n8n's community-nodes folder). npm's download
# cache (~/.npm) is npm's own default and is still used.
clean_npm_env() {
	local unset_args=() name
	while IFS='=' read -r name _; do
		case "$name" in
			npm_config_* | npm_lifecycle_* | npm_package_* | npm_execpath | npm_node_execpath | npm_command | NODE_OPTIONS | INIT_CWD)
				unset_args+=(-u "$name")
				;;
		esac
	done < <(env)
	env "${unset_args[@]}" "$@"
}
