import { type Booted, boot, describeEnvironment } from '../boot.js';
import type { GatehouseConfig } from '../config/schema.js';
import { applySeed, readSeedFile } from '../seed.js';
import { dashboardSetupLink } from './admin.js';
import { formatEnvironment } from './env.js';
import { checkDataDir, checkRedis, usesDataDir } from './preflight.js';

export interface Prepared {
  booted: Booted;
  /** The environment block `start` prints once it listens. */
  banner: string;
}

/**
 * Prepares the database once (migrations, instance, keys, config settings, seed) before anything
 * serves. It needs no HTTP code, so a cluster primary that only prepares never loads Fastify.
 * What the operator can fix (the data dir, Redis, a production instance without mail) fails here,
 * as one line, before anything listens.
 */
export async function prepare(config: GatehouseConfig, log: (line: string) => void): Promise<Prepared> {
  if (usesDataDir(config)) checkDataDir(config);
  const seed = config.seedFile ? readSeedFile(config.seedFile) : undefined;
  const redisChecked = config.redisUrl ? checkRedis(config.redisUrl) : undefined;
  redisChecked?.catch(() => {}); // awaited below; this only keeps a failed boot from also reporting it
  const booted = await boot(config, log, undefined, { requireMailInProduction: true });
  try {
    await redisChecked;
    if (seed) await applySeed(booted.domain, seed, log);
    // A production secret key is printed once, when it is created; `gatehouse env` prints it on demand.
    const showSecret = booted.domain.isDevelopment() || booted.created;
    let banner = formatEnvironment(describeEnvironment(config, booted.domain), { showSecret });
    // A development instance without operators prints a one-time link that creates the first one.
    if (booted.domain.isDevelopment()) {
      const token = await booted.domain.operators.firstOperatorLink();
      if (token)
        banner += `\nDashboard: create the first operator (one-time link, valid 24 h):\n${dashboardSetupLink(config.publicUrl, token)}\n`;
    }
    return { booted, banner };
  } catch (error) {
    await booted.close();
    throw error;
  }
}
