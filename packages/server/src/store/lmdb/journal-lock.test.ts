import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { useTempDirs } from '../temp-dirs.js'
import { claimDirect, claimJournal } from './journal-lock.js'

const tempDir = useTempDirs('progressdb-lock-')

const stateAndStart = (pid: number) => {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return { state: fields[0], started: fields[19] }
}

function lockHeldBy(dir: string, pid: number, file = 'LOCK', extra: object = {}): void {
  const boot = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
  fs.writeFileSync(path.join(dir, file), JSON.stringify({ pid, boot, started: stateAndStart(pid).started, ...extra }))
}

// The lock tells a live holder from a dead one through /proc: where there is none (not Linux),
// these tests skip, and say so in their name. CI runs on Linux.
describe.skipIf(!fs.existsSync('/proc/self/stat'))('the journal lock (reads /proc, Linux only)', () => {
  it('refuses a directory whose holder is running', async () => {
    const holder = spawn('sleep', ['5'])
    try {
      const dir = tempDir()
      lockHeldBy(dir, holder.pid!)
      expect(() => claimJournal(dir)).toThrow(`in use by process ${holder.pid}`)
    } finally {
      holder.kill('SIGKILL')
    }
  })

  it('lets direct writers of one --workers group share a directory, but not a second group', async () => {
    const other = spawn('sleep', ['5'])
    try {
      const dir = tempDir()
      // A live worker of this process's own group (its primary: this process) shares the directory.
      lockHeldBy(dir, other.pid!, `direct-${other.pid}`, { group: process.pid })
      claimDirect(dir).release()
      // The same worker in another group's directory: refused.
      lockHeldBy(dir, other.pid!, `direct-${other.pid}`, { group: other.pid })
      expect(() => claimDirect(dir)).toThrow(`in use by process ${other.pid} (another --workers group)`)
      expect(fs.existsSync(path.join(dir, `direct-${process.pid}`))).toBe(false)
    } finally {
      other.kill('SIGKILL')
    }
  })

  it('takes over from a holder that was killed and not yet reaped (a zombie)', async () => {
    // `sleep 0` exits at once; its parent becomes `sleep 5`, which never reaps it.
    const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 5'])
    try {
      const pid = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(d.toString()))))
      while (stateAndStart(pid).state !== 'Z') await new Promise((resolve) => setTimeout(resolve, 10))
      const dir = tempDir()
      lockHeldBy(dir, pid)
      const claim = claimJournal(dir)
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'LOCK'), 'utf8')).pid).toBe(process.pid)
      claim.release()
    } finally {
      parent.kill('SIGKILL')
    }
  })
})
