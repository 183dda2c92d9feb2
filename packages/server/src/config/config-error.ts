/** One thing wrong with the config: a dotted key path (or a flag / env var name) and why. */
export interface ConfigProblem {
  readonly path: string
  readonly message: string
}

/**
 * Every problem found while loading the config, thrown at once so an operator fixes them all
 * in one go. Messages name paths and sources only, never values (keys are secrets).
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  readonly problems: readonly ConfigProblem[]

  constructor(problems: readonly ConfigProblem[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`
    const lines = problems.map((p) => `  - ${p.path}: ${p.message}`)
    super(`invalid configuration (${count}):\n${lines.join('\n')}`)
    this.problems = Object.freeze(problems.map((p) => Object.freeze({ ...p })))
  }
}
