// Builds every workspace that has a "build" script (the SDKs, examples), in dependency order:
// the order of the root package.json "workspaces" list.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
const patterns = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).workspaces
const dirs = patterns.flatMap((p) =>
  p.endsWith('/*')
    ? fs.existsSync(path.join(root, p.slice(0, -2)))
      ? fs.readdirSync(path.join(root, p.slice(0, -2))).map((d) => path.join(p.slice(0, -2), d))
      : []
    : [p],
)
for (const dir of dirs) {
  const manifest = path.join(root, dir, 'package.json')
  if (!fs.existsSync(manifest)) continue
  const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8'))
  if (!pkg.scripts?.build || dir === 'packages/server' || dir === 'packages/protocol') continue
  execFileSync('npm', ['run', 'build', '--silent', '-w', dir], { cwd: root, stdio: 'inherit' })
}
