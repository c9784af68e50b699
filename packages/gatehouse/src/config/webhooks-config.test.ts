/** Webhook settings: retention days from the environment over the config file, 30 by default, bounds refused. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load.js';

function dataDirWithConfig(content: object): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-webhooks-config-'));
  writeFileSync(path.join(dir, 'gatehouse.config.json'), JSON.stringify(content));
  return dir;
}

describe('webhook retention configuration', () => {
  it('is 30 days unless the config file or GATEHOUSE_WEBHOOKS_RETENTION_DAYS says otherwise (the variable wins)', () => {
    const plain = mkdtempSync(path.join(tmpdir(), 'gatehouse-webhooks-config-'));
    expect(loadConfig({ 'data-dir': plain }, {}).webhooksRetentionDays).toBe(30);
    const dir = dataDirWithConfig({ webhooksRetentionDays: 7 });
    expect(loadConfig({ 'data-dir': dir }, {}).webhooksRetentionDays).toBe(7);
    expect(loadConfig({ 'data-dir': dir }, { GATEHOUSE_WEBHOOKS_RETENTION_DAYS: '90' }).webhooksRetentionDays).toBe(90);
  });

  it('refuses 0, fractions and more than 3650 days', () => {
    const plain = mkdtempSync(path.join(tmpdir(), 'gatehouse-webhooks-config-'));
    for (const bad of ['0', '1.5', '3651', 'soon']) {
      expect(() => loadConfig({ 'data-dir': plain }, { GATEHOUSE_WEBHOOKS_RETENTION_DAYS: bad })).toThrow(ConfigError);
    }
    expect(() => loadConfig({ 'data-dir': dataDirWithConfig({ webhooksRetentionDays: 0 }) }, {})).toThrow();
  });
});
