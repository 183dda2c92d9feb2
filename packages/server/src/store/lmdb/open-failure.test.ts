import os from 'node:os'
import { describe, expect, it } from 'vitest'
import { explainOpenFailure } from './open-failure.js'

describe('explainOpenFailure', () => {
  it('tells a refused write at start as a disk problem, with the space left and what to do', () => {
    for (const code of ['ENOSPC', 'EIO', 5, 28]) {
      const cause = Object.assign(new Error('Input/output error'), { code })
      const explained = explainOpenFailure(cause, os.tmpdir()) as Error
      expect(explained.message).toMatch(/could not write to the data directory .*Input\/output error; [\d.]+ MiB free there\): if its disk is full, free some space and start again/)
      expect(explained.cause).toBe(cause)
    }
  })

  it('names the directory that cannot be written', () => {
    for (const cause of [
      Object.assign(new Error('permission denied'), { code: 'EACCES' }),
      new Error('Read-only file system: Attempting to setup locks'),
    ]) {
      const explained = explainOpenFailure(cause, '/srv/pdb') as Error
      expect(explained.message).toMatch(/^the data directory \/srv\/pdb cannot be written \(.+\): a server needs to write it/)
      expect(explained.cause).toBe(cause)
    }
  })

  it('leaves every other failure as it is', () => {
    const inUse = new Error('the data directory is in use by process 1 (journal)')
    expect(explainOpenFailure(inUse, os.tmpdir())).toBe(inUse)
  })
})
