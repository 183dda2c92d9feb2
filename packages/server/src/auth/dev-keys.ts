import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

export interface DevKeys {
  backendKey: string
  frontendKey: string
  adminKey: string
  signingKey: string
}

export const DEV_KEYS_FILE = 'dev-keys.json'

const token = (prefix: string) => `${prefix}_${randomBytes(24).toString('base64url')}`

/**
 * Development mode: when no key of any kind is configured, one of each is generated into
 * `<dataDir>/dev-keys.json` (mode 0600) and reused on later starts.
 */
export function loadOrCreateDevKeys(dataDir: string): { keys: DevKeys; created: boolean } {
  const file = path.join(dataDir, DEV_KEYS_FILE)
  if (fs.existsSync(file)) {
    const keys = JSON.parse(fs.readFileSync(file, 'utf8')) as DevKeys
    if (keys.backendKey && keys.frontendKey && keys.adminKey && keys.signingKey) return { keys, created: false }
  }
  const keys: DevKeys = {
    backendKey: token('pdb_backend'),
    frontendKey: token('pdb_frontend'),
    adminKey: token('pdb_admin'),
    signingKey: randomBytes(32).toString('hex'),
  }
  fs.mkdirSync(dataDir, { recursive: true })
  const temp = `${file}.${process.pid}.tmp`
  fs.writeFileSync(temp, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600 })
  fs.renameSync(temp, file)
  return { keys, created: true }
}
