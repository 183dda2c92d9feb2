import fs from 'node:fs'
import path from 'node:path'
import { toBufferKey } from 'ordered-binary'
import { describe, expect, it } from 'vitest'
import { useTempDirs } from '../temp-dirs.js'
import { RecordBuffer, listSegments, readRecords, segmentFile } from './journal-file.js'
import { replayJournal } from './journal-replay.js'
import { SegmentFiles } from './journal-segments.js'
import { sortKeyOf } from './journaled-table.js'
import { openLmdbLayout } from './lmdb-layout.js'

const tempDir = useTempDirs('progressdb-segments-')

const LIVE = 3 // the `live` table's number (lmdb-layout.ts TABLES)

function records(from: number, to: number): Uint8Array {
  const buffer = new RecordBuffer()
  for (let seq = from; seq <= to; seq++) {
    buffer.begin(seq)
    buffer.op(LIVE, sortKeyOf(['t', seq]), toBufferKey(`v${seq}`))
    buffer.end()
  }
  return buffer.take()
}

/** A journal directory holding `segments` (number and bytes), and an LMDB store to replay it into. */
function journalWith(segments: [number, Uint8Array][]) {
  const dir = tempDir()
  const journal = path.join(dir, 'journal')
  fs.mkdirSync(journal)
  for (const [number, bytes] of segments) fs.writeFileSync(segmentFile(journal, number), bytes)
  const layout = openLmdbLayout(dir)
  const warnings: string[] = []
  const replay = () => replayJournal(layout, journal, (msg) => warnings.push(msg))
  const damage = () => warnings.find((w) => w.startsWith('THE JOURNAL IS DAMAGED'))
  const setAside = () => {
    const aside = fs.readdirSync(journal).filter((name) => name.startsWith('damaged-'))
    expect(aside).toHaveLength(1)
    return fs.readdirSync(path.join(journal, aside[0]!)).sort()
  }
  return { journal, layout, replay, damage, setAside }
}

describe('journal segments', () => {
  it('starts a segment from a zero-filled spare made under its name, and a plain file otherwise', async () => {
    const dir = tempDir()
    const segments = new SegmentFiles(dir, 64 << 10, () => {})
    const first = segments.open()
    fs.closeSync(first.fd)
    expect(first.file).toBe(segmentFile(dir, 1))
    expect(fs.statSync(first.file).size).toBe(0)
    void segments.prepareSpare()
    await segments.close() // waits for the spare, then removes it
    expect(fs.readdirSync(dir)).toEqual([path.basename(segmentFile(dir, 1))])

    const again = new SegmentFiles(dir, 64 << 10, () => {}) // numbers on from the segments there
    await again.prepareSpare()
    expect(listSegments(dir).map((segment) => segment.number)).toEqual([1, 2])
    const next = again.open()
    fs.closeSync(next.fd)
    expect(next.file).toBe(segmentFile(dir, 2))
    const spare = fs.readFileSync(next.file)
    expect(spare.length).toBe(64 << 10)
    expect(spare.every((byte) => byte === 0)).toBe(true)
    await again.close()
  })

  it('never starts a segment numbered below the one before it', async () => {
    const dir = tempDir()
    const segments = new SegmentFiles(dir, 64 << 10, () => {})
    const opened = [segments.open()]
    const spare = segments.prepareSpare() // number 2, still being made
    opened.push(segments.open()) // so this one is 3
    await spare // and 2, now behind 3, is dropped
    opened.push(segments.open())
    for (const segment of opened) fs.closeSync(segment.fd)
    expect(opened.map((segment) => segment.file)).toEqual([1, 3, 4].map((n) => segmentFile(dir, n)))
    expect(listSegments(dir).map((segment) => segment.number)).toEqual([1, 3, 4])
    await segments.close()
  })

  it('replays segments that end in zeros without calling them damaged, and says so of garbage', () => {
    const dir = tempDir()
    const journal = path.join(dir, 'journal')
    fs.mkdirSync(journal)
    const first = records(1, 5)
    const zeroTail = Buffer.alloc(4096)
    zeroTail.set(first, 0)
    fs.writeFileSync(segmentFile(journal, 1), zeroTail)
    fs.writeFileSync(segmentFile(journal, 6), records(6, 9))
    const layout = openLmdbLayout(dir)
    const warnings: string[] = []
    expect(replayJournal(layout, journal, (msg) => warnings.push(msg))).toBe(9)
    expect(warnings.filter((w) => w.includes('damaged'))).toEqual([])
    expect(listSegments(journal)).toEqual([])
    expect(layout.tables.live.get(['t', 9])).toBe('v9')

    // Garbage after the whole records of a closed segment is damage, and is reported.
    const damaged = Buffer.alloc(4096)
    damaged.set(records(10, 12), 0)
    damaged[3000] = 1
    fs.writeFileSync(segmentFile(journal, 10), damaged)
    fs.writeFileSync(segmentFile(journal, 13), records(13, 13))
    expect(replayJournal(layout, journal, (msg) => warnings.push(msg))).toBe(13)
    expect(warnings.filter((w) => w.includes('damaged'))).toHaveLength(1)

    // A record cut short at the end of the segment being written, with a spare after it, is not.
    const torn = records(14, 15)
    fs.writeFileSync(segmentFile(journal, 20), torn.subarray(0, torn.length - 3))
    fs.writeFileSync(segmentFile(journal, 21), Buffer.alloc(4096))
    expect(replayJournal(layout, journal, (msg) => warnings.push(msg))).toBe(14)
    expect(warnings.filter((w) => w.includes('damaged'))).toHaveLength(1)
    expect(listSegments(journal)).toEqual([])
    void layout.root.close()
  })

  it('stops replay at damage with whole records after it, applies only the unbroken run, and sets the rest aside', () => {
    // Records 1-5 with a byte of record 3 flipped, then a segment of records 6-8.
    const first = Buffer.from(records(1, 5))
    const third = readRecords(first).offsets[2]!
    first[third + 20] = first[third + 20]! ^ 0xff
    const j = journalWith([[1, first], [6, records(6, 8)]])
    expect(j.replay()).toBe(2)
    expect(j.layout.tables.live.get(['t', 2])).toBe('v2')
    for (const seq of [3, 4, 6, 8]) expect(j.layout.tables.live.get(['t', seq])).toBeUndefined()
    expect(j.damage()).toContain(`byte ${third} of ${segmentFile(j.journal, 1)}`)
    expect(j.damage()).toContain('whole records after the damage (write 4')
    expect(j.damage()).toContain('LMDB holds every write up to 2')
    // Kept for inspection, out of the way of the next start.
    expect(listSegments(j.journal)).toEqual([])
    expect(j.setAside()).toEqual([1, 6].map((n) => path.basename(segmentFile(j.journal, n))))
    void j.layout.root.close()
  })

  it('does not apply a segment whose records do not follow on from the last one applied', () => {
    // Records 1-3, then a segment that starts at 7: 4 to 6 are missing (a lost segment).
    const j = journalWith([[1, records(1, 3)], [7, records(7, 9)]])
    expect(j.replay()).toBe(3)
    expect(j.layout.tables.live.get(['t', 7])).toBeUndefined()
    expect(j.damage()).toContain(`writes 4 to 6 are missing before byte 0 of ${segmentFile(j.journal, 7)}`)
    void j.layout.root.close()
  })

  it('names and keeps a segment whose last record is damaged when the next one shows writes missing', () => {
    // Records 1-4 with the last one's checksum broken, then a segment that starts at 5.
    const first = Buffer.from(records(1, 4))
    const fourth = readRecords(first).offsets[3]!
    first[fourth + 4] = first[fourth + 4]! ^ 0xff
    const j = journalWith([[1, first], [5, records(5, 6)]])
    expect(j.replay()).toBe(3)
    expect(j.damage()).toContain(`byte ${fourth} of ${segmentFile(j.journal, 1)}`)
    expect(j.damage()).toContain('writes 4 to 4 are missing')
    expect(j.setAside()).toEqual([1, 5].map((n) => path.basename(segmentFile(j.journal, n))))
    void j.layout.root.close()
  })
})
