export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

export type LogFields = Record<string, unknown>

export interface Logger {
  debug(msg: string, fields?: LogFields): void
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
  enabled(level: LogLevel): boolean
}

/**
 * Structured JSON lines. Callers pass ids and numbers, never keys, signatures or bodies:
 * nothing here can tell a secret apart, so nothing secret may be handed to it.
 */
export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (line) => process.stdout.write(line),
): Logger {
  const threshold = RANK[level]
  const emit = (lvl: LogLevel, msg: string, fields?: LogFields) => {
    if (RANK[lvl] < threshold) return
    const entry: LogFields = { ts: new Date().toISOString(), level: lvl, msg, ...fields }
    if (fields?.err instanceof Error) entry.err = { name: fields.err.name, message: fields.err.message, stack: fields.err.stack }
    write(JSON.stringify(entry) + '\n')
  }
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    enabled: (lvl) => RANK[lvl] >= threshold,
  }
}
