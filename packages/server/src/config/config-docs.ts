/**
 * Renders docs/config.md from the schema, so the docs cannot drift from what the loader does.
 * `config-docs.test.ts` fails when the committed file differs; `UPDATE_DOCS=1` rewrites it.
 */
import { describeType } from './describe-schema.js'
import { CONFIG_FILE_ENV } from './env-layer.js'
import { CONFIG_FILE_FLAG } from './flag-layer.js'
import { configSections, type ConfigLeaf, type ConfigSection } from './schema.js'

/** The YAML example shown in the docs; a test loads it to keep it valid. */
export const CONFIG_EXAMPLE_YAML = `server:
  host: 0.0.0.0
  port: 8080
  corsOrigins: ['https://app.example.com']
storage:
  dataDir: /var/lib/progressdb
  durability: safe
auth:
  backendKeys: ['sk_backend_change_me']
  frontendKeys: ['pk_frontend_change_me']
  signingKeys: ['signing_key_change_me']
limits:
  bodyMaxBytes: 2097152
logging:
  level: warn
`

function intro(): string {
  return `# Configuration

<!-- Generated from packages/server/src/config/schema.ts by renderConfigDocs().
     Do not edit by hand: run
     UPDATE_DOCS=1 npx vitest run packages/server/src/config/config-docs.test.ts -->

The server reads its configuration once, at start, from four sources. Later sources win:

1. the defaults below;
2. a YAML file, named by \`${CONFIG_FILE_FLAG} PATH\` or \`${CONFIG_FILE_ENV}\` (relative to the
   working directory; the flag wins);
3. \`PROGRESSDB_*\` environment variables;
4. flags of \`progressdb serve\`, as \`--name value\` or \`--name=value\`.

\`\`\`yaml
${CONFIG_EXAMPLE_YAML.trimEnd()}
\`\`\`

\`\`\`sh
PROGRESSDB_PORT=9000 progressdb serve ${CONFIG_FILE_FLAG} progressdb.yaml --log-level debug
\`\`\`

Validation is strict, and every problem is reported at once, by key path and by the source that
gave the bad value (file, environment variable or flag); values themselves are never echoed,
since keys are secrets.

- Unknown keys in the YAML file and unknown flags are errors.
- Unknown \`PROGRESSDB_*\` environment variables are logged as warnings and ignored, so an app
  can keep its own settings (such as \`PROGRESSDB_KEY\`) in the same environment.
- Numbers from environment variables and flags must be plain numbers (\`8080x\` is an error).
- List values from environment variables are comma-separated; entries are trimmed and empty
  entries dropped. An empty environment variable counts as unset.
- \`storage.dataDir\` is resolved against the working directory.

When no keys are configured, the server generates development keys into the data directory and
prints them on start; configure keys explicitly in production.
`
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|')
}

function code(text: string | undefined): string {
  return text === undefined ? '' : `\`${text}\``
}

function row(leaf: ConfigLeaf): string {
  const key = leaf.path.slice(leaf.path.indexOf('.') + 1)
  return [
    code(key),
    cell(code(describeType(leaf.schema))),
    cell(code(JSON.stringify(leaf.default))),
    code(leaf.env),
    code(leaf.flag),
    cell(leaf.description),
  ].join(' | ')
}

function table(section: ConfigSection): string {
  return [
    `## \`${section.name}\``,
    '',
    section.description,
    '',
    '| Key | Type | Default | Env | Flag | Description |',
    '| --- | --- | --- | --- | --- | --- |',
    ...section.leaves.map((leaf) => `| ${row(leaf)} |`),
    '',
  ].join('\n')
}

/** The full text of docs/config.md. */
export function renderConfigDocs(): string {
  return [intro(), ...configSections.map(table)].join('\n')
}
