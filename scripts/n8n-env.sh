#!/usr/bin/env bash
# The environment n8n runs with, for `npm run dev` and the e2e tests. Source it after setting
# N8N_USER_FOLDER; N8N_PORT defaults to 5678.
# Every variable here is documented at https://docs.n8n.io/hosting/configuration/environment-variables/
export N8N_PORT="${N8N_PORT:-5678}"
# n8n's task broker listens next to it (5679 for 5678).
export N8N_RUNNERS_BROKER_PORT="${N8N_RUNNERS_BROKER_PORT:-$((N8N_PORT + 1))}"
export N8N_HOST=127.0.0.1
export N8N_LISTEN_ADDRESS=127.0.0.1
export N8N_PROTOCOL=http
export N8N_EDITOR_BASE_URL="http://127.0.0.1:$N8N_PORT/"
export N8N_WEBHOOK_URL="http://127.0.0.1:$N8N_PORT/"
export DB_TYPE=sqlite
# Nothing phones home: no telemetry, version checks, templates, banners or MCP registry polling
# (the last one otherwise polls an outside host and logs errors when offline).
export N8N_DIAGNOSTICS_ENABLED=false
export N8N_VERSION_NOTIFICATIONS_ENABLED=false
export N8N_PERSONALIZATION_ENABLED=false
export N8N_TEMPLATES_ENABLED=false
export N8N_HIRING_BANNER_ENABLED=false
export N8N_DISABLED_MODULES=mcp-registry
# n8n's list of verified community nodes: without this, the editor's node panel makes n8n fetch it
# from n8n's servers (api-staging.n8n.io outside production builds), and every failed fetch logs a
# stack trace (community-node-types.service: config.verifiedEnabled).
export N8N_VERIFIED_PACKAGES_ENABLED=false
# Plain http on 127.0.0.1: the auth cookie must not be marked Secure or the browser drops it.
export N8N_SECURE_COOKIE=false
export N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS=false
# The package is installed from a local tarball, not from n8n's list of verified packages.
export N8N_UNVERIFIED_PACKAGES_ENABLED=true
export N8N_COMMUNITY_PACKAGES_ENABLED=true
# A fixed key so credentials survive restarts of the dev instance; it protects nothing real.
export N8N_ENCRYPTION_KEY="${N8N_ENCRYPTION_KEY:-outlook-oauth-dev-key-not-a-secret}"
