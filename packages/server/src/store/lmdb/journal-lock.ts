import cluster from 'node:cluster'
import fs from 'node:fs'
import path from 'node:path'

/**
 * Who may write a data directory. The journal keeps acknowledged writes in one process's
 * memory until they reach LMDB, so a journaled process must be the directory's only writer:
 * it holds `LOCK`. Processes writing LMDB directly (`--workers N`) leave a `direct-<pid>`
 * marker instead; the workers of one group may share the directory with each other, but not
 * with a journal or with another group (started with its own configuration). A
 * holder counts as alive while a process with its pid, boot and start time runs (not a zombie
 * left unreaped); a crashed holder's file is simply taken over.
 */
export interface DirectoryClaim {
  release(): void
}

interface Holder {
  pid: number
  boot: string
  started: string
  /** Direct writers: the `--workers` group, as its primary's pid (absent: the holder alone). */
  group?: number
}

/** This process's `--workers` group: its cluster primary, or itself when it runs alone. */
const myGroup = () => (cluster.isWorker ? process.ppid : process.pid)

const readText = (file: string) => {
  try {
    return fs.readFileSync(file, 'utf8').trim()
  } catch {
    return ''
  }
}

/**
 * Fields 3 and 22 of /proc/<pid>/stat: the process's state and start time (empty where /proc is
 * missing).
 */
function procStat(pid: number): { state: string; started: string } {
  const stat = readText(`/proc/${pid}/stat`)
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return { state: fields[0] ?? '', started: fields[19] ?? '' }
}

const me = (): Holder => ({
  pid: process.pid,
  boot: readText('/proc/sys/kernel/random/boot_id'),
  started: procStat(process.pid).started,
})

function isAlive(file: string): Holder | undefined {
  let holder: Holder
  try {
    holder = JSON.parse(fs.readFileSync(file, 'utf8')) as Holder
  } catch {
    return undefined
  }
  if (holder.boot !== me().boot) return undefined
  try {
    process.kill(holder.pid, 0)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return undefined
  }
  const { state, started } = procStat(holder.pid)
  // A killed holder its parent has not reaped yet (a zombie) has exited: it holds nothing.
  if (state === 'Z' || state === 'X') return undefined
  return started === holder.started ? holder : undefined
}

function inUse(holder: Holder, mode: string): Error {
  return new Error(
    `the data directory is in use by process ${holder.pid} (${mode}); one ProgressDB ` +
      'server (or one --workers group) per data directory',
  )
}

function create(file: string, holder: Holder = me()): DirectoryClaim | undefined {
  try {
    fs.writeFileSync(file, JSON.stringify(holder), { flag: 'wx' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined
    throw error
  }
  return { release: () => fs.rmSync(file, { force: true }) }
}

function directMarkers(dir: string): string[] {
  return fs.readdirSync(dir).filter((name) => name.startsWith('direct-')).map((name) => path.join(dir, name))
}

/** Takes `LOCK`: the only writer of the directory. Throws if a live process writes it. */
export function claimJournal(dir: string): DirectoryClaim {
  for (const marker of directMarkers(dir)) {
    const holder = isAlive(marker)
    if (holder && holder.pid !== process.pid) throw inUse(holder, '--workers')
    if (!holder) fs.rmSync(marker, { force: true })
  }
  const file = path.join(dir, 'LOCK')
  for (let attempt = 0; attempt < 2; attempt++) {
    const claim = create(file)
    if (claim) return claim
    const holder = isAlive(file)
    if (holder) throw inUse(holder, 'journal')
    fs.rmSync(file, { force: true })
  }
  throw new Error('could not take the data directory lock')
}

/**
 * Marks this process as a direct writer. Throws if a live journaled process holds `LOCK`, or a
 * live direct writer of another `--workers` group marked the directory (checked again once this
 * marker is down, so of two groups starting at once neither goes on unseen by the other).
 */
export function claimDirect(dir: string): DirectoryClaim {
  const holder = isAlive(path.join(dir, 'LOCK'))
  if (holder) throw inUse(holder, 'journal')
  const group = myGroup()
  const otherGroup = () => {
    for (const marker of directMarkers(dir)) {
      const other = isAlive(marker)
      if (other && (other.group ?? other.pid) !== group) return other
    }
    return undefined
  }
  const before = otherGroup()
  if (before) throw inUse(before, 'another --workers group')
  const file = path.join(dir, `direct-${process.pid}`)
  fs.rmSync(file, { force: true })
  const claim = create(file, { ...me(), group })
  if (!claim) throw new Error('could not mark the data directory')
  const after = otherGroup()
  if (after) {
    claim.release()
    throw inUse(after, 'another --workers group')
  }
  return claim
}
