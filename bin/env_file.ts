export { ensureEnvFile } from './env_file_plain.js'
