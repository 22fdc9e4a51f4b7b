import { existsSync } from 'node:fs'
import { basename } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Where the .env is read from. Run from source, it is the application root.
 * Run from the build (`node build/bin/server.js`, `node build/ace.js …`), the
 * build has no .env of its own: it reads the one of the clone it was built in,
 * beside build/, unless ENV_PATH says otherwise. Nothing here writes a .env —
 * only `npm start`'s first run does (bin/env_file_plain.js); a production
 * process without APP_KEY stops at start-up naming it.
 */
export function locateEnvFile(appRoot: URL) {
  if (process.env.ENV_PATH) return
  const root = fileURLToPath(appRoot)
  const parent = new URL('../', appRoot)
  if (basename(root) === 'build' && existsSync(new URL('.env', parent))) {
    process.env.ENV_PATH = fileURLToPath(parent)
  }
}
