import fs from 'node:fs'

/** A directory the process may not write: read-only mounts, permissions. */
const READ_ONLY_CODES = new Set(['EROFS', 'EACCES', 'EPERM', 30, 13])

/** Errors of a write the file system refused for want of space (EIO is what some report). */
const DISK_CODES = new Set(['ENOSPC', 'EIO', 'EDQUOT', 5, 28, 122])

/**
 * Why a data directory could not be opened, in words an operator can act on: opening writes
 * (the lock file, LMDB's first transaction, the journal's replay), so a full disk stops a start
 * with a bare "Input/output error". Such a failure is told as what it is, with the space left;
 * anything else is returned unchanged.
 */
export function explainOpenFailure(error: unknown, dataDir: string): unknown {
  const code = (error as { code?: unknown } | null)?.code
  const message = error instanceof Error ? error.message : String(error)
  if (READ_ONLY_CODES.has(code as string | number) || /read-only file system/i.test(message))
    return new Error(
      `the data directory ${dataDir} cannot be written (${message}): a server needs to write it even to ` +
        'start (its lock, LMDB\'s lock file, the journal). Make it writable, or mount it read-write.',
      { cause: error },
    )
  if (!DISK_CODES.has(code as string | number)) return error
  let free = 'unknown'
  try {
    const stats = fs.statfsSync(dataDir)
    free = `${((stats.bavail * stats.bsize) / 2 ** 20).toFixed(1)} MiB`
  } catch {
    // The space left is a hint; the failure is still told.
  }
  return new Error(
    `could not write to the data directory ${dataDir} (${message}; ${free} free there): if its ` +
      'disk is full, free some space and start again. Nothing stored is lost: the journal is ' +
      'applied on the next start.',
    { cause: error },
  )
}
