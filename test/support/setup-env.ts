/**
 * Environment for n8n's libraries in tests, set before they load: a throw-away user folder (n8n
 * writes its instance settings there) and no outbound SSRF policy (stand-ins listen on 127.0.0.1).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'n8n-user-'));
process.env.N8N_ENCRYPTION_KEY ??= 'test-encryption-key-not-a-secret';
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
process.env.N8N_LOG_LEVEL ??= 'silent';
