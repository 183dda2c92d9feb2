import { open } from 'lmdb'
import fs from 'node:fs'
const variant = process.argv[2]
const dir = fs.mkdtempSync('/tmp/lmdbb-')
const opts = { path: dir, maxDbs: 16, encoding: 'binary' }
if (variant === 'nooverlap') opts.overlappingSync = false
if (variant === 'nosync') opts.noSync = true
if (variant === 'nometasync') { opts.overlappingSync = false; opts.noMetaSync = true }
const root = open(opts)
const db = root.openDB({ name: 'm', encoding: 'binary' })
const val = Buffer.alloc(1200, 'x')
const mode = process.argv[3] ?? 'child'
let done = 0, lat = []
const end = performance.now() + 4000
async function writer(w) {
  let i = 0
  while (performance.now() < end) {
    const t = performance.now()
    const cb = () => { for (let k = 0; k < 8; k++) db.putSync([`t${w}`, i, k], val); return 1 }
    if (mode === 'child') await root.childTransaction(cb)
    else if (mode === 'txn') await root.transaction(cb)
    else { for (let k = 0; k < 7; k++) db.put([`t${w}`, i, k], val); await db.put([`t${w}`, i, 8], val) }
    lat.push(performance.now() - t); done++; i++
  }
}
await Promise.all(Array.from({ length: 64 }, (_, w) => writer(w)))
lat.sort((a, b) => a - b)
console.log(variant, mode, 'ops/s', (done / 4).toFixed(0), 'p50', lat[lat.length >> 1].toFixed(2), 'p99', lat[Math.floor(lat.length * 0.99)].toFixed(2))
await root.close()
fs.rmSync(dir, { recursive: true })
