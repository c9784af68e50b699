import { parseArgs } from 'node:util';
import { ConfigError, type Flags, loadConfig } from '../config/load.js';
import type { GatehouseConfig } from '../config/schema.js';
import { StartupError } from '../config/startup-error.js';
import { describeStartupFailure } from './startup-failures.js';
import { nearest } from './suggest.js';

const USAGE = `Usage: gatehouse <command> [options]

Commands:
  start     run the server (SQLite under ./.gatehouse by default)
  env       print the keys and CLERK_* variables for the Clerk SDKs (--json, --shell)
  init      create the instance (keys, database) if there is none, print like env, and exit
  migrate   apply database migrations and exit
  keys      list | rotate [--overlap <s>] [--retain <s>] | rotate-secret [--grace <s>]
            rotate the signing key (published before it signs) or the secret key (the old
            one keeps working for --grace seconds, 86400 by default)
  admin     create <email> | list | remove <email> | reset <email>
            the dashboard's operators; create and reset print a one-time link to set a password

Options (each also read from GATEHOUSE_<NAME>):
  --port <n>              port to listen on (4000)
  --host <addr>           interface to bind (127.0.0.1)
  --public-url <url>      URL browsers and SDKs reach us at (http://127.0.0.1:<port>)
  --database <url>        sqlite:<file> or postgres://… (a SQLite file in the data dir)
  --data-dir <dir>        where the SQLite file and encryption key live (./.gatehouse)
  --instance-type <t>     development (pk_test) or production (pk_live), on first start
  --workers <n>           processes to run (1)
  --config <file>         config file (default <data dir>/gatehouse.config.json)
  --seed <file>           create the users in this JSON file on start
  --allowed-origins <o>   comma-separated app origins allowed to use the Frontend API
  --drain-timeout <s>     seconds to finish requests after SIGTERM before closing every connection (25)
  --trusted-proxies <c>   comma-separated proxy addresses/CIDRs whose X-Forwarded-For is believed (none)
  --smtp <url>            deliver mail over SMTP (smtp://user:pass@host:port); else the dev outbox
                          (development only: a production instance needs SMTP)
  --mail-from <addr>      the sender of mail: "Acme <no-reply@acme.com>" or an address (the
                          application name is then shown beside it)
  --redis <url>           keep rate-limit counters in Redis (redis://host:6379), shared by every node
  --geoip <file.mmdb>     a GeoIP database (MaxMind DB format) for the city and country of sessions
  --json                  with env/init: one JSON object
  --shell                 with env/init: export lines, for eval "$(gatehouse env --shell)"
`;

const COMMANDS = ['start', 'env', 'init', 'migrate', 'keys', 'admin'];

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'public-url': { type: 'string' },
  database: { type: 'string' },
  'data-dir': { type: 'string' },
  'instance-type': { type: 'string' },
  workers: { type: 'string' },
  config: { type: 'string' },
  seed: { type: 'string' },
  redis: { type: 'string' },
  geoip: { type: 'string' },
  smtp: { type: 'string' },
  'mail-from': { type: 'string' },
  'allowed-origins': { type: 'string' },
  overlap: { type: 'string' },
  retain: { type: 'string' },
  grace: { type: 'string' },
  'trusted-proxies': { type: 'string' },
  'drain-timeout': { type: 'string' },
  json: { type: 'boolean' },
  shell: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  const [command] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return command || values.help ? 0 : 1;
  }
  if (!COMMANDS.includes(command)) throw new UsageError(`unknown command "${command}"${didYouMean(command, COMMANDS)}`);
  const config = loadConfig(values as Flags);
  failing = config;
  switch (command) {
    // Each command loads only its own code: start-up time is mostly compiling what is imported.
    case 'start':
      return (await import('./start.js')).runStart(config);
    case 'env':
    case 'init':
      return (await import('./env.js')).runEnv(config, values.json ? 'json' : values.shell ? 'shell' : 'text', {
        create: command === 'init',
      });
    case 'keys':
      return (await import('./keys.js')).runKeys(config, positionals[1], {
        overlap: values.overlap,
        retain: values.retain,
        grace: values.grace,
        json: values.json,
      });
    case 'admin':
      return (await import('./admin.js')).runAdmin(config, positionals[1], positionals[2], values.json === true);
    case 'migrate': {
      const { checkDataDir, sqliteInDataDir } = await import('./preflight.js');
      if (sqliteInDataDir(config)) checkDataDir(config);
      const { openStore } = await import('../store/index.js');
      const store = await openStore({ url: config.databaseUrl, log: (line) => process.stdout.write(`${line}\n`) });
      await store.close();
      process.stdout.write('migrations applied\n');
      return 0;
    }
    default:
      return 1;
  }
}

/** Bad arguments: one line, with the nearest valid name when there is one. */
class UsageError extends Error {}

function didYouMean(input: string, candidates: readonly string[]): string {
  const guess = nearest(input, candidates);
  return `${guess ? `; did you mean "${guess}"?` : ';'} \`gatehouse --help\` lists them`;
}

/** Node's parseArgs errors, reworded as one line that names the fix. */
function describeArgumentError(error: Error & { code?: string }): string {
  const option = error.message.match(/'(-{1,2}[^' ]+)/)?.[1] ?? '';
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    return `unknown option ${option}${didYouMean(
      option.split('=')[0] as string,
      Object.keys(OPTIONS).map((name) => `--${name}`),
    )}`;
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return /does not take an argument/.test(error.message)
      ? `option ${option} takes no value; write ${option} alone`
      : `option ${option} needs a value, e.g. ${option} <value>`;
  }
  return error.message.split('\n')[0] as string;
}

/** The configuration of the command that failed, once it is known, to word its failure. */
let failing: GatehouseConfig | undefined;

/** The message for an error the operator can fix, or undefined for a bug (printed with its stack). */
function describeFailure(error: unknown): string | undefined {
  if (error instanceof UsageError || error instanceof ConfigError || error instanceof StartupError) return error.message;
  const e = error as Error & { code?: string };
  if (e?.code?.startsWith('ERR_PARSE_ARGS')) return describeArgumentError(e);
  return failing && describeStartupFailure(error, failing);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== -1) process.exitCode = code;
  },
  (error: unknown) => {
    const known = describeFailure(error);
    process.stderr.write(`gatehouse: ${known ?? (error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
