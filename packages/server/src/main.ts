#!/usr/bin/env node
import cluster from 'node:cluster'
import { loadOrCreateDevKeys } from './auth/dev-keys.js'
import { reportListening, runWorkerPool, workerCount } from './cluster/worker-pool.js'
import { ConfigError } from './config/config-error.js'
import type { Config } from './config/schema.js'
import { loadConfig } from './config/load-config.js'
import type { DevKeys } from './auth/dev-keys.js'
import { createLogger } from './logging/logger.js'
import { startServer } from './server.js'
import { recoverLmdbJournal } from './store/lmdb/lmdb-store.js'
import { SERVER_VERSION } from './version.js'
import { tuneV8ForServing } from './v8-tuning.js'

const USAGE = `progressdb ${SERVER_VERSION}: the database for chat data

Usage:
  progressdb serve [--host H] [--port N] [--data-dir DIR] [--config FILE] [--durability fast|safe]
                   [--workers N|auto] [--log-level L]
  progressdb bench [--help]
  progressdb version

Every option can also be set in the YAML file or as a PROGRESSDB_* variable (docs/config.md).`

function devKeysBanner(keys: DevKeys, dataDir: string): string {
  return [
    '',
    '  WARNING: development mode. No keys are configured, so these were generated into',
    `  ${dataDir}/dev-keys.json (mode 0600). Configure real keys before production use.`,
    '',
    `    backend key:   ${keys.backendKey}`,
    `    frontend key:  ${keys.frontendKey}`,
    `    admin key:     ${keys.adminKey}`,
    `    signing key:   ${keys.signingKey}`,
    '',
  ].join('\n')
}

function onStopSignal(stop: (signal: string) => void): void {
  process.once('SIGTERM', () => stop('SIGTERM'))
  process.once('SIGINT', () => stop('SIGINT'))
}

function hasNoKeys(config: Config): boolean {
  const a = config.auth
  return [a.backendKeys, a.frontendKeys, a.adminKeys, a.signingKeys].every((l) => l.length === 0)
}

async function serve(argv: readonly string[]): Promise<void> {
  tuneV8ForServing()
  const { config, warnings } = loadConfig({ argv, env: process.env, cwd: process.cwd() })
  const log = createLogger(config.logging.level)
  const workers = workerCount(config)
  if (cluster.isPrimary) for (const warning of warnings) log.warn(warning)
  if (workers > 1 && cluster.isPrimary) return servePrimary(config, workers, log)
  const server = await startServer(config, { log })
  if (cluster.isWorker) reportListening(server.url)
  else {
    if (server.devKeys) process.stdout.write(devKeysBanner(server.devKeys, config.storage.dataDir) + '\n')
    process.stdout.write(`ProgressDB listening on ${server.url}\n`)
  }
  onStopSignal((signal) => {
    log.info('shutting down', { signal })
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error('shutdown failed', { err: error })
        process.exit(1)
      },
    )
  })
}

/** `--workers N`: dev keys are made once here, before the workers that share them start. */
async function servePrimary(config: Config, workers: number, log: ReturnType<typeof createLogger>) {
  if (hasNoKeys(config)) {
    const { keys } = loadOrCreateDevKeys(config.storage.dataDir)
    process.stdout.write(devKeysBanner(keys, config.storage.dataDir) + '\n')
  }
  // Workers write LMDB directly: a journal left by an earlier single process is applied first.
  await recoverLmdbJournal(config.storage.dataDir, (msg) => log.warn(msg))
  const pool = await runWorkerPool(workers, log)
  process.stdout.write(`ProgressDB listening on ${pool.url} (${workers} workers)\n`)
  onStopSignal((signal) => {
    log.info('shutting down workers', { signal, workers })
    pool.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}

async function main(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args
  if (command === 'version' || command === '--version') {
    process.stdout.write(`${SERVER_VERSION}\n`)
    return 0
  }
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE + '\n')
    return command === undefined ? 2 : 0
  }
  // Loaded only for `bench`: a server process never loads the load generator (undici and all).
  if (command === 'bench') return (await import('./bench/bench-command.js')).runBench(rest)
  if (command !== 'serve') {
    process.stderr.write(`Unknown command "${command}".\n\n${USAGE}\n`)
    return 2
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(USAGE + '\n')
    return 0
  }
  try {
    await serve(rest)
    return -1
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`)
      return 2
    }
    throw error
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code)
  },
  (error: unknown) => {
    process.stderr.write(`progressdb failed to start: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  },
)
