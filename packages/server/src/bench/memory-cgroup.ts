import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

/**
 * A Linux memory cgroup for one benchmarked server (`bench --memory-limit-mb`): the kernel
 * charges the server's own memory and the page cache it brings in (its LMDB file included) to
 * the group, and holds the sum under the limit by reclaiming cache; a process that needs more of
 * its own memory than the limit is OOM-killed. This is what a container's memory limit does, so a
 * run inside one shows whether the server works in that much memory.
 *
 * Both layouts are supported: cgroup v2 (`/sys/fs/cgroup` with the memory controller) and v1
 * (`/sys/fs/cgroup/memory`). Making a group needs root and a writable cgroup file system.
 */
export interface MemoryCgroup {
  /** The group's directory; a process joins by writing its pid to `cgroup.procs` in it. */
  dir: string
  limitBytes: number
  /** The most the group was charged at once, when the kernel reports it (v2 needs Linux 5.19). */
  peakBytes(): number | undefined
  /** How many times the kernel's OOM killer ended a process of the group. */
  oomKills(): number
  /** Removes the group; its processes must have exited. */
  remove(): void
}

/**
 * A `sh -c` script by which the shell joins the group given as `$0` (its process id goes into the
 * group's `cgroup.procs`); whatever it execs next runs in the group from its first byte.
 */
export const JOIN_CGROUP = 'echo $$ > "$0/cgroup.procs"'

/** The cgroup cannot be made here; the message says why. */
export class MemoryCgroupUnavailable extends Error {}

const ROOT = '/sys/fs/cgroup'

interface Layout {
  parent: string
  limitFile: string
  peakFile: string
  /** Where the OOM kill count is, as a `oom_kill N` line. */
  eventsFile: string
}

function layout(): Layout {
  const controllers = path.join(ROOT, 'cgroup.controllers')
  if (
    fs.existsSync(controllers) &&
    fs.readFileSync(controllers, 'utf8').split(/\s+/).includes('memory')
  )
    return {
      parent: ROOT,
      limitFile: 'memory.max',
      peakFile: 'memory.peak',
      eventsFile: 'memory.events',
    }
  if (fs.existsSync(path.join(ROOT, 'memory', 'memory.limit_in_bytes')))
    return {
      parent: path.join(ROOT, 'memory'),
      limitFile: 'memory.limit_in_bytes',
      peakFile: 'memory.max_usage_in_bytes',
      eventsFile: 'memory.oom_control',
    }
  throw new MemoryCgroupUnavailable(`no cgroup memory controller under ${ROOT}`)
}

function readNumber(file: string): number | undefined {
  try {
    return Number(fs.readFileSync(file, 'utf8').trim())
  } catch {
    return undefined
  }
}

const PREFIX = 'progressdb-bench-'

/**
 * Removes the groups of bench runs that ended without removing theirs (interrupted: the name
 * holds the bench's pid). A group still holding a process refuses, and stays.
 */
function removeStaleGroups(parent: string): void {
  for (const entry of fs.readdirSync(parent)) {
    if (!entry.startsWith(PREFIX) || fs.existsSync(`/proc/${entry.slice(PREFIX.length)}`)) continue
    try {
      fs.rmdirSync(path.join(parent, entry))
    } catch {
      // Not empty yet: its server is still running.
    }
  }
}

/** Makes this bench process's group (`progressdb-bench-<pid>`) with the given limit. */
export function createMemoryCgroup(limitBytes: number): MemoryCgroup {
  try {
    const { parent, limitFile, peakFile, eventsFile } = layout()
    removeStaleGroups(parent)
    const dir = path.join(parent, `${PREFIX}${process.pid}`)
    fs.mkdirSync(dir)
    try {
      // cgroup v2 offers a child the memory files only once the parent delegates the controller.
      if (!fs.existsSync(path.join(dir, limitFile)))
        fs.writeFileSync(path.join(parent, 'cgroup.subtree_control'), '+memory')
      fs.writeFileSync(path.join(dir, limitFile), String(limitBytes))
      // A process must be able to join, the way the server will (server-process.ts): a short
      // shell tries it now, so a group that refuses members is found before anything runs.
      const joined = spawnSync('/bin/sh', ['-c', JOIN_CGROUP, dir], { encoding: 'utf8' })
      if (joined.status !== 0)
        throw new Error(
          `a process cannot join ${dir}: ${joined.stderr.trim() || `exit ${joined.status}`}`,
        )
    } catch (error) {
      fs.rmdirSync(dir)
      throw error
    }
    return {
      dir,
      limitBytes,
      peakBytes: () => readNumber(path.join(dir, peakFile)),
      oomKills: () => {
        const events = fs.readFileSync(path.join(dir, eventsFile), 'utf8')
        return Number(/^oom_kill (\d+)$/m.exec(events)?.[1] ?? 0)
      },
      remove: () => fs.rmdirSync(dir),
    }
  } catch (error) {
    if (error instanceof MemoryCgroupUnavailable) throw error
    throw new MemoryCgroupUnavailable(error instanceof Error ? error.message : String(error))
  }
}
