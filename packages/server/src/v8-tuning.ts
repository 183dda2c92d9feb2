import v8 from 'node:v8'

/**
 * V8 settings for a serving process, applied before the server starts.
 *
 * Allocation-site pretenuring is turned off. V8 watches how many objects of each allocation
 * site survive and may start allocating a site's objects straight into the old generation.
 * Under ProgressDB's load it did so for some of the per-request objects around lmdb-js reads
 * (in some processes and not others, depending on timing at startup), and an old object that
 * points at young ones keeps them alive through every scavenge: at 3,000 requests/s each
 * scavenge then found 1.1-1.4 MB alive instead of 3 KB, copied and promoted it, and paused
 * 2.7-2.9 ms instead of 0.7 ms, and the promoted garbage brought a mark-compact every second or
 * two (docs/performance.md, session 6). Still needed after session 7's separate fix (spread
 * copies that gain a key): with pretenuring on, message-page reads at 3,000/s promoted ~630 KB
 * per scavenge in three processes of three, against 0 with it off. Node accepts this flag at
 * runtime (measured: the same result as on the command line); it only changes where V8
 * allocates, never what a program does.
 */
export function tuneV8ForServing(): void {
  v8.setFlagsFromString('--no-allocation-site-pretenuring')
}
