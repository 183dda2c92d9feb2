import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { JOIN_CGROUP } from './memory-cgroup.js'

// The compiled CLI, also when this module runs from source under the test runner.
const here = fileURLToPath(import.meta.url)
const MAIN = here.endsWith('.ts')
  ? path.resolve(path.dirname(here), '../../dist/main.js')
  : path.resolve(path.dirname(here), '../main.js')

export interface ServerProcess {
  url: string
  child: ChildProcess
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>
  stop(signal?: NodeJS.Signals): Promise<number | string>
}

export interface SpawnOptions {
  args: readonly string[]
  env?: Record<string, string>
  /** Another entry script instead of the server's main (the echo baseline). */
  script?: string
  /** Options for node itself, before the script (e.g. `--cpu-prof`). */
  nodeArgs?: readonly string[]
  /** A cgroup directory the process joins before node starts (memory-cgroup.ts). */
  cgroup?: string
  startTimeoutMs?: number
}

/**
 * Starts a ProgressDB server (the compiled CLI) as a child process and resolves once it prints
 * its URL. Used by the benchmark and by the crash tests, which need a process they can kill.
 */
export function spawnServer(options: SpawnOptions): Promise<ServerProcess> {
  const script = options.script ?? MAIN
  const args = [...(options.nodeArgs ?? []), script, ...(options.script ? [] : ['serve']), ...options.args]
  // Joining through a shell that then execs node puts every byte node allocates in the group.
  const [command, argv]: [string, string[]] = options.cgroup
    ? ['/bin/sh', ['-c', `${JOIN_CGROUP} && exec "$@"`, options.cgroup, process.execPath, ...args]]
    : [process.execPath, args]
  const child = spawn(command, argv, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  )
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`server did not start in time:\n${output}`))
    }, options.startTimeoutMs ?? 20_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve({
          url: match[1]!,
          child,
          output: () => output,
          exited,
          stop: (signal = 'SIGTERM') => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal)
            return exited
          },
        })
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`server exited (${code}) before it was ready:\n${output}`))
    })
  })
}

const CLOCK_TICKS_PER_S = 100

function childrenOf(pid: number): number[] {
  const out: number[] = []
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid === pid) out.push(Number(entry))
    } catch {
      // The process ended while we looked.
    }
  }
  return out
}

/** What /proc says of a process and its children, summed. */
export interface ProcessSample {
  cpuS: number
  rssBytes: number
  /** The processes' own memory (heap, buffers); the rest of RSS is mostly LMDB's mapped file. */
  anonBytes: number
  /** What the storage layer read for them: page cache misses (`read_bytes` in /proc/<pid>/io). */
  diskReadBytes: number
}

/**
 * CPU seconds, RSS and disk reads of a process and its children (the workers), from /proc; RSS
 * is split too (`anonBytes`), since file-backed pages of LMDB's memory map are page cache the
 * kernel can reclaim. Undefined once the process itself has gone (it died during a run, say).
 */
export function sampleProcessTree(pid: number): ProcessSample | undefined {
  const sample: ProcessSample = { cpuS: 0, rssBytes: 0, anonBytes: 0, diskReadBytes: 0 }
  for (const p of [pid, ...childrenOf(pid)]) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      sample.cpuS += (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S
      const status = fs.readFileSync(`/proc/${p}/status`, 'utf8')
      sample.rssBytes += Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024
      sample.anonBytes += Number(/RssAnon:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024
      const io = fs.readFileSync(`/proc/${p}/io`, 'utf8')
      sample.diskReadBytes += Number(/^read_bytes: (\d+)$/m.exec(io)?.[1] ?? 0)
    } catch {
      if (p === pid) return undefined
      // A worker that ended while we looked.
    }
  }
  return sample
}
