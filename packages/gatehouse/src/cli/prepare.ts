import { type Booted, boot, describeEnvironment } from '../boot.js';
import type { GatehouseConfig } from '../config/schema.js';
import { applySeed, readSeedFile } from '../seed.js';
import { formatEnvironment } from './env.js';

export interface Prepared {
  booted: Booted;
  /** The environment block `start` prints once it listens. */
  banner: string;
}

/**
 * Prepares the database once (migrations, instance, keys, config settings, seed) before anything
 * serves. It needs no HTTP code, so a cluster primary that only prepares never loads Fastify.
 */
export async function prepare(config: GatehouseConfig, log: (line: string) => void): Promise<Prepared> {
  const seed = config.seedFile ? readSeedFile(config.seedFile) : undefined;
  const booted = await boot(config, log);
  try {
    if (seed) await applySeed(booted.domain, seed, log);
    return { booted, banner: formatEnvironment(describeEnvironment(config, booted.domain)) };
  } catch (error) {
    await booted.close();
    throw error;
  }
}
