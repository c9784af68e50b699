import { parseArgs } from 'node:util';
import { ConfigError, type Flags, loadConfig } from '../config/load.js';

const USAGE = `Usage: gatehouse <command> [options]

Commands:
  start     run the server (SQLite under ./.gatehouse by default)
  env       print the keys and CLERK_* variables for the Clerk SDKs (--json for scripts)
  migrate   apply database migrations and exit
  keys      list | rotate [--overlap <s>] [--retain <s>] | rotate-secret [--grace <s>]
            rotate the signing key (published before it signs) or the secret key (the old
            one keeps working for --grace seconds, 86400 by default)

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
  --json                  with env: one JSON object
  --shell                 with env: export lines, for eval "$(gatehouse env --shell)"
`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
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
      smtp: { type: 'string' },
      'allowed-origins': { type: 'string' },
      overlap: { type: 'string' },
      retain: { type: 'string' },
      grace: { type: 'string' },
      'trusted-proxies': { type: 'string' },
      'drain-timeout': { type: 'string' },
      json: { type: 'boolean' },
      shell: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return command || values.help ? 0 : 1;
  }
  const config = loadConfig(values as Flags);
  switch (command) {
    // Each command loads only its own code: start-up time is mostly compiling what is imported.
    case 'start':
      return (await import('./start.js')).runStart(config);
    case 'env':
      return (await import('./env.js')).runEnv(config, values.json ? 'json' : values.shell ? 'shell' : 'text');
    case 'keys':
      return (await import('./keys.js')).runKeys(config, positionals[1], {
        overlap: values.overlap,
        retain: values.retain,
        grace: values.grace,
        json: values.json,
      });
    case 'migrate': {
      const { openStore } = await import('../store/index.js');
      const store = await openStore({ url: config.databaseUrl, log: (line) => process.stdout.write(`${line}\n`) });
      await store.close();
      process.stdout.write('migrations applied\n');
      return 0;
    }
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${USAGE}`);
      return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== -1) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`gatehouse: ${(error as Error).message}\n`);
    } else {
      process.stderr.write(`gatehouse: ${(error as Error).stack ?? String(error)}\n`);
    }
    process.exitCode = 1;
  },
);
