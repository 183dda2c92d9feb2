import fc from 'fast-check'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { useTempDirs } from '../temp-dirs.js'
import { StoreCommitError } from '../store-commit-error.js'
import { listSegments, readRecords } from './journal-file.js'
import { openJournaledWriter } from './journaled-writer.js'
import { openLmdbLayout, type LmdbLayout } from './lmdb-layout.js'
import { createDirectWriter, type LmdbWriter } from './lmdb-writer.js'

const tempDir = useTempDirs('progressdb-journal-')

afterEach(() => {
  vi.restoreAllMocks()
})

const options = { flushIntervalMs: 100, warn: () => {} }

async function openJournaled(dir: string): Promise<{ layout: LmdbLayout; writer: LmdbWriter }> {
  const layout = openLmdbLayout(dir)
  return { layout, writer: await openJournaledWriter(layout, path.join(dir, 'journal'), options) }
}

type Op = { kind: 'put'; thread: string; seq: number; value: string } | { kind: 'remove'; thread: string; seq: number }
type Query = { thread: string; from?: number; to?: number; reverse: boolean; limit?: number }

const threadIds = fc.constantFrom('a', 'b', 'c')
const seqs = fc.integer({ min: 0, max: 30 })
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), thread: threadIds, seq: seqs, value: fc.string({ maxLength: 4 }) }),
  fc.record({ kind: fc.constant('remove' as const), thread: threadIds, seq: seqs }),
)
const queryArb: fc.Arbitrary<Query> = fc.record(
  {
    thread: threadIds,
    from: seqs,
    to: seqs,
    reverse: fc.boolean(),
    limit: fc.integer({ min: 1, max: 10 }),
  },
  { requiredKeys: ['thread', 'reverse'] },
)

function rangeOf(q: Query) {
  const low = [q.thread, q.from ?? 0]
  const high = q.to === undefined ? [q.thread, '\uffff'] : [q.thread, q.to]
  return q.reverse ? { start: high, end: [q.thread], reverse: true, limit: q.limit } : { start: low, end: high, limit: q.limit }
}

function read(writer: LmdbWriter, queries: Query[]) {
  const { live } = writer.tables
  return queries.map((q) => ({
    range: [...live.getRange(rangeOf(q) as never)].map(({ key, value }) => [key, value]),
    keys: [...live.getKeys(rangeOf(q) as never)],
    point: live.get([q.thread, q.from ?? 0]),
  }))
}

/**
 * Watches the journal's segment descriptors through spies on `fs` (restored after each test): how
 * many were opened, which are written past their last completed flush, and any closed while so
 * or closed twice (a second close can close another file that reused the number). `failNextOpen`
 * makes the next segment open throw, `failNextFlush` the next flush of a segment fail,
 * `failNextWrite` the next append to a segment write half its bytes and then fail (a full disk).
 */
function watchSegmentDescriptors() {
  const real = { openSync: fs.openSync, writeSync: fs.writeSync, fdatasync: fs.fdatasync, close: fs.close, closeSync: fs.closeSync }
  let clock = 0
  let failing = false
  let failFlush = false
  let failWrite: 'no' | 'armed' | 'half-written' = 'no'
  const open = new Set<number>()
  const closed = new Set<number>()
  /** Per open descriptor: the clock at its last write, and at the start of its last completed flush. */
  const wrote = new Map<number, number>()
  const flushedFrom = new Map<number, number>()
  const dirty = (fd: number) => (wrote.get(fd) ?? 0) > (flushedFrom.get(fd) ?? 0)
  const state = {
    opened: 0,
    closedUnflushed: [] as number[],
    closedTwice: [] as number[],
    unflushed: () => [...open].filter(dirty).length,
    failNextOpen: () => {
      failing = true
    },
    failNextFlush: () => {
      failFlush = true
    },
    failNextWrite: () => {
      failWrite = 'armed'
    },
  }
  const closing = (fd: number) => {
    if (closed.has(fd)) state.closedTwice.push(fd)
    if (!open.has(fd)) return
    if (dirty(fd)) state.closedUnflushed.push(fd)
    open.delete(fd)
    closed.add(fd)
    wrote.delete(fd)
    flushedFrom.delete(fd)
  }
  vi.spyOn(fs, 'openSync').mockImplementation(((file: string, ...rest: unknown[]) => {
    const segment = String(file).endsWith('.log')
    if (segment && failing) {
      failing = false
      throw Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE' })
    }
    const fd = (real.openSync as (...args: unknown[]) => number)(file, ...rest)
    closed.delete(fd)
    if (segment) {
      open.add(fd)
      state.opened++
    }
    return fd
  }) as never)
  vi.spyOn(fs, 'writeSync').mockImplementation((fd: number, ...rest: unknown[]) => {
    if (open.has(fd)) wrote.set(fd, ++clock)
    if (open.has(fd) && failWrite === 'half-written') {
      failWrite = 'no'
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
    }
    if (open.has(fd) && failWrite === 'armed') {
      failWrite = 'half-written'
      const [buffer, offset, length, position] = rest as [Uint8Array, number, number, number]
      return real.writeSync(fd, buffer, offset, Math.floor(length / 2), position)
    }
    return (real.writeSync as (...args: unknown[]) => number)(fd, ...rest)
  })
  vi.spyOn(fs, 'fdatasync').mockImplementation((fd: number, done: (error: Error | null) => void) => {
    if (failFlush && open.has(fd)) {
      failFlush = false
      setImmediate(() => done(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })))
      return
    }
    const started = ++clock
    real.fdatasync(fd, (error) => {
      if (!error && open.has(fd)) flushedFrom.set(fd, Math.max(flushedFrom.get(fd) ?? 0, started))
      done(error)
    })
  })
  vi.spyOn(fs, 'close').mockImplementation(((fd: number, done: (error: Error | null) => void) => {
    closing(fd)
    real.close(fd, done)
  }) as never)
  vi.spyOn(fs, 'closeSync').mockImplementation((fd: number) => {
    closing(fd)
    real.closeSync(fd)
  })
  return state
}

describe('journaled LMDB writes', () => {
  it('reads the same as direct LMDB writes, whatever has been applied beneath the journal', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Groups of writes started in one event-loop turn (appended together); some throw.
        fc.array(
          fc.array(fc.record({ ops: fc.array(opArb, { minLength: 1, maxLength: 6 }), throws: fc.boolean() }), {
            minLength: 1,
            maxLength: 4,
          }),
          { minLength: 1, maxLength: 8 },
        ),
        fc.array(queryArb, { minLength: 1, maxLength: 6 }),
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        async (groups, queries, settleAfter) => {
          const directDir = tempDir()
          const directLayout = openLmdbLayout(directDir)
          const direct = createDirectWriter(directLayout, path.join(directDir, 'journal'), () => {})
          const { writer: journaled } = await openJournaled(tempDir())
          try {
            for (const [i, group] of groups.entries()) {
              const body = (writer: LmdbWriter, ops: Op[], throws: boolean) => () => {
                for (const op of ops) {
                  if (op.kind === 'put') writer.tables.live.putSync([op.thread, op.seq], op.value)
                  else writer.tables.live.removeSync([op.thread, op.seq])
                }
                if (throws) throw new Error('refused')
              }
              const acknowledged = Promise.allSettled(
                group.map(({ ops, throws }) => journaled.write(body(journaled, ops, throws), 'fast')),
              )
              // Not appended yet: reads outside a write see none of the group.
              const before = read(direct, queries)
              expect(read(journaled, queries)).toEqual(before)
              for (const { ops, throws } of group) await direct.write(body(direct, ops, throws), 'fast').catch(() => {})
              const outcomes = await acknowledged
              expect(outcomes.map((outcome) => outcome.status)).toEqual(
                group.map(({ throws }) => (throws ? 'rejected' : 'fulfilled')),
              )
              if (settleAfter[i]) await journaled.settle()
              expect(read(journaled, queries)).toEqual(read(direct, queries))
            }
          } finally {
            await journaled.close()
            await direct.close()
          }
        },
      ),
      { numRuns: 40 },
    )
  })

  it('leaves LMDB holding exactly the acknowledged writes once closed', async () => {
    const dir = tempDir()
    const { writer } = await openJournaled(dir)
    const model = new Map<string, string>()
    let state = 7
    const random = (n: number) => (state = (state * 1103515245 + 12345) % 2 ** 31) % n
    for (let round = 0; round < 300; round++) {
      // Several writes per turn, each a few puts and removes over a small key space.
      const writes: Promise<void>[] = []
      for (let w = random(6); w >= 0; w--) {
        const ops = Array.from({ length: 1 + random(5) }, () => ({ seq: random(200), value: random(3) === 0 ? undefined : `v${round}` }))
        for (const op of ops) {
          if (op.value === undefined) model.delete(String(op.seq))
          else model.set(String(op.seq), op.value)
        }
        writes.push(
          writer.write(() => {
            for (const op of ops) {
              if (op.value === undefined) writer.tables.live.removeSync(['t', op.seq])
              else writer.tables.live.putSync(['t', op.seq], op.value)
            }
          }, random(2) === 0 ? 'safe' : 'fast'),
        )
      }
      await Promise.all(writes)
      if (random(10) === 0) await new Promise((resolve) => setTimeout(resolve, random(8)))
    }
    await writer.close()
    expect(listSegments(path.join(dir, 'journal'))).toEqual([])
    const layout = openLmdbLayout(dir)
    const stored = [...layout.tables.live.getRange({ start: ['t'], end: ['t', '\uffff'] })].map(({ key, value }) => [String(key[1]), value])
    await layout.root.close()
    expect(stored).toEqual([...model].sort((a, b) => Number(a[0]) - Number(b[0])))
  })

  it('applies a 12 MB write to LMDB whole, and the writes after it', async () => {
    const dir = tempDir()
    const { layout, writer } = await openJournaled(dir)
    const big = Buffer.alloc(12 << 20, 7)
    big.write('start', 0)
    big.write('end', big.length - 3)
    await writer.write(() => writer.tables.messages.putSync(['t', 1], big), 'fast')
    await writer.write(() => writer.tables.live.putSync(['t', 1], 'after'), 'fast')
    await writer.settle()
    expect(Buffer.from(layout.raw.messages.getBinary(['t', 1])!).equals(big)).toBe(true)
    expect(layout.raw.live.get(['t', 1])).toBe('after')
    await writer.close()
  })

  it('rotates segments, deleting those LMDB holds, and replays what is left', async () => {
    const dir = tempDir()
    const journal = path.join(dir, 'journal')
    const warnings: string[] = []
    const small = { ...options, warn: (msg: string) => warnings.push(msg), segmentBytes: 16 << 10 }
    const layout = openLmdbLayout(dir)
    const writer = await openJournaledWriter(layout, journal, small)
    const value = 'x'.repeat(900)
    for (let i = 1; i <= 200; i++) await writer.write(() => writer.tables.live.putSync(['t', i], `${i}${value}`), i % 2 ? 'safe' : 'fast')
    await writer.settle()
    // "Crash": keep the journal as it is, and put LMDB back to where the first segment kept
    // starts (the segments before it were checkpointed away), then replay the rest from them.
    const files = listSegments(journal).map((segment) => ({ file: segment.file, bytes: fs.readFileSync(segment.file) }))
    const first = readRecords(files[0]!.bytes).records[0]!.seq
    expect(first).toBeGreaterThan(1)
    await writer.close()
    expect(fs.readdirSync(journal).filter((name) => name !== 'LOCK')).toEqual([])
    const rewound = openLmdbLayout(dir)
    rewound.root.transactionSync(() => {
      for (let i = first; i <= 200; i++) rewound.tables.live.removeSync(['t', i])
      rewound.meta.putSync('journal.applied', first - 1)
    })
    await rewound.root.close()
    for (const { file, bytes } of files) fs.writeFileSync(file, bytes)
    const reopened = await openJournaled(dir)
    const keys = [...reopened.writer.tables.live.getKeys({ start: ['t'], end: ['t', '\uffff'] })] as [string, number][]
    expect(keys.map((key) => key[1])).toEqual(Array.from({ length: 200 }, (_, i) => i + 1))
    expect(reopened.writer.tables.live.get(['t', 200])).toBe(`200${value}`)
    await reopened.writer.close()
    expect(warnings.filter((w) => w.includes('damaged'))).toEqual([])
  })

  it('acknowledges a safe write once every segment written before it is flushed, and closes a segment only after', async () => {
    const segments = watchSegmentDescriptors()
    const dir = tempDir()
    const layout = openLmdbLayout(dir)
    const writer = await openJournaledWriter(layout, path.join(dir, 'journal'), { ...options, segmentBytes: 8 << 10 })
    const value = 'x'.repeat(700)
    let unflushedAtAck = 0
    for (let i = 1; i <= 120; i++) {
      // Turns of three writes (segments switch every few turns), one of them safe in every fourth
      // turn: so some switches leave fast writes unflushed in the segment they close.
      const safe = i % 4 === 0 ? 1 : -1
      await Promise.all(
        [0, 1, 2].map((k) =>
          writer.write(() => writer.tables.live.putSync(['t', i * 3 + k], value), k === safe ? 'safe' : 'fast').then(() => {
            if (k === safe) unflushedAtAck += segments.unflushed()
          }),
        ),
      )
    }
    await writer.close()
    expect(segments.opened).toBeGreaterThan(10)
    expect(unflushedAtAck).toBe(0)
    expect(segments.closedUnflushed).toEqual([])
    expect(segments.closedTwice).toEqual([])
  })

  it('refuses the writes of a turn whose new segment cannot be opened, and goes on in the segment it had', async () => {
    const dir = tempDir()
    const layout = openLmdbLayout(dir)
    const writer = await openJournaledWriter(layout, path.join(dir, 'journal'), { ...options, segmentBytes: 8 << 10 })
    const value = 'x'.repeat(700)
    const segments = watchSegmentDescriptors()
    const acknowledged: number[] = []
    let refused = 0
    for (let i = 1; i <= 60; i++) {
      if (i === 20) segments.failNextOpen()
      await writer.write(() => writer.tables.live.putSync(['t', i], value), i % 2 ? 'safe' : 'fast').then(
        () => acknowledged.push(i),
        (error: unknown) => {
          expect(error).toBeInstanceOf(StoreCommitError)
          refused++
        },
      )
    }
    expect(refused).toBe(1)
    expect(acknowledged).toHaveLength(59)
    expect(segments.closedTwice).toEqual([])
    // The journal (what a crash would replay) holds every write since its last checkpoint, in order
    // and without a gap: records 1 to 59, the refused write having taken no number.
    const seqs = listSegments(path.join(dir, 'journal')).flatMap((segment) =>
      readRecords(fs.readFileSync(segment.file)).records.map((record) => record.seq),
    )
    expect(seqs.at(-1)).toBe(59)
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => 60 - seqs.length + i))
    await writer.close()
    vi.restoreAllMocks()
    const reopened = await openJournaled(dir)
    const keys = [...reopened.writer.tables.live.getKeys({ start: ['t'], end: ['t', '\uffff'] })] as [string, number][]
    expect(keys.map((key) => key[1])).toEqual(acknowledged)
    await reopened.writer.close()
  })

  it('cuts a failed append out of the journal: refused writes are never replayed, and their numbers are reused cleanly', async () => {
    const dir = tempDir()
    const layout = openLmdbLayout(dir)
    // Watching from before the writer opens its segment.
    const segments = watchSegmentDescriptors()
    const writer = await openJournaledWriter(layout, path.join(dir, 'journal'), options)
    const put = (i: number) => writer.write(() => writer.tables.live.putSync(['t', i], `v${i}`), 'safe')
    for (let i = 1; i <= 5; i++) await put(i)
    segments.failNextWrite()
    // One turn of eight writes, half of whose bytes reach the file before the disk is full.
    const refused = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => put(100 + i)))
    expect(refused.every((r) => r.status === 'rejected' && r.reason instanceof StoreCommitError)).toBe(true)
    // What a crash would replay, now and after the next write: the acknowledged writes alone.
    const journalSeqs = () =>
      listSegments(path.join(dir, 'journal')).flatMap((segment) =>
        readRecords(fs.readFileSync(segment.file)).records.map((record) => record.seq),
      )
    expect(journalSeqs()).toEqual([1, 2, 3, 4, 5])
    await put(6)
    expect(journalSeqs()).toEqual([1, 2, 3, 4, 5, 6])
    await writer.close()
    vi.restoreAllMocks()
    const reopened = await openJournaled(dir)
    const keys = [...reopened.writer.tables.live.getKeys({ start: ['t'], end: ['t', '\uffff'] })] as [string, number][]
    expect(keys.map((key) => key[1])).toEqual([1, 2, 3, 4, 5, 6])
    await reopened.writer.close()
  })

  it('refuses the safe writes of a failed flush, and flushes and closes the segments it covered later', async () => {
    const dir = tempDir()
    const layout = openLmdbLayout(dir)
    const writer = await openJournaledWriter(layout, path.join(dir, 'journal'), { ...options, segmentBytes: 8 << 10 })
    const segments = watchSegmentDescriptors()
    const value = 'x'.repeat(700)
    // Fast writes until a segment opened under watch is closed and waits for the next flush.
    let i = 0
    while (segments.opened < 2) await writer.write(() => writer.tables.live.putSync(['t', ++i], value), 'fast')
    segments.failNextFlush()
    await expect(writer.write(() => writer.tables.live.putSync(['t', ++i], value), 'safe')).rejects.toBeInstanceOf(StoreCommitError)
    await writer.write(() => writer.tables.live.putSync(['t', ++i], value), 'safe')
    expect(segments.unflushed()).toBe(0)
    await writer.close()
    expect(segments.closedUnflushed).toEqual([])
    expect(segments.closedTwice).toEqual([])
  })

  it('applies nothing of a write whose body throws', async () => {
    const { writer } = await openJournaled(tempDir())
    await expect(
      writer.write(() => {
        writer.tables.live.putSync(['t', 1], 'x')
        throw new Error('refused')
      }, 'fast'),
    ).rejects.toThrow('refused')
    expect(writer.tables.live.get(['t', 1])).toBeUndefined()
    await writer.write(() => writer.tables.live.putSync(['t', 2], 'y'), 'fast')
    expect([...writer.tables.live.getKeys({ start: ['t'], end: ['t', '\uffff'] })]).toEqual([['t', 2]])
    await writer.close()
  })

  it('replays what a crash left in the journal, up to a torn last record', async () => {
    const dir = tempDir()
    const { layout, writer } = await openJournaled(dir)
    // Acknowledged, then the process "dies": LMDB is closed under the writer before it applies.
    for (let i = 1; i <= 50; i++) await writer.write(() => writer.tables.live.putSync(['t', i], `v${i}`), 'safe')
    const segment = listSegments(path.join(dir, 'journal'))[0]!
    const copy = fs.readFileSync(segment.file)
    await writer.close()
    // Put the crash state back: LMDB without the writes, the journal with them plus a torn tail.
    fs.rmSync(path.join(dir, 'lmdb'), { recursive: true })
    fs.writeFileSync(segment.file, Buffer.concat([copy, copy.subarray(0, 20)]))
    void layout
    const reopened = await openJournaled(dir)
    const keys = [...reopened.writer.tables.live.getKeys({ start: ['t'], end: ['t', '\uffff'] })]
    expect(keys).toHaveLength(50)
    expect(reopened.writer.tables.live.get(['t', 50])).toBe('v50')
    expect(listSegments(path.join(dir, 'journal')).length).toBe(1) // the new, empty segment only
    await reopened.writer.close()
  })

  it('refuses a second writer while a journaled one holds the directory', async () => {
    const dir = tempDir()
    const { writer } = await openJournaled(dir)
    const other = openLmdbLayout(dir)
    await expect(openJournaledWriter(other, path.join(dir, 'journal'), options)).rejects.toThrow(/in use by process/)
    expect(() => createDirectWriter(other, path.join(dir, 'journal'), () => {})).toThrow(/in use by process/)
    await other.root.close()
    await writer.close()
  })
})
