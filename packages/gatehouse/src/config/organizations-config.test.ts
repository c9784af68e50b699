/** Membership required: `organizations.forceOrganizationSelection` from the config file, GATEHOUSE_FORCE_ORGANIZATION_SELECTION over it. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load.js';

const dirs: string[] = [];
function dataDir(config?: object): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-organizations-config-'));
  dirs.push(dir);
  if (config) writeFileSync(path.join(dir, 'gatehouse.config.json'), JSON.stringify(config));
  return dir;
}

describe('membership required configuration', () => {
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('is left to the stored settings unless the file or the variable says; the variable wins, other fields stay', () => {
    expect(loadConfig({ 'data-dir': dataDir() }, {}).organizations).toBeUndefined();
    const file = dataDir({ organizations: { forceOrganizationSelection: true, creatorRole: 'org:admin' } });
    expect(loadConfig({ 'data-dir': file }, {}).organizations).toEqual({ forceOrganizationSelection: true, creatorRole: 'org:admin' });
    expect(loadConfig({ 'data-dir': file }, { GATEHOUSE_FORCE_ORGANIZATION_SELECTION: '0' }).organizations).toEqual({
      forceOrganizationSelection: false,
      creatorRole: 'org:admin',
    });
    for (const on of ['1', 'true']) {
      expect(loadConfig({ 'data-dir': dataDir() }, { GATEHOUSE_FORCE_ORGANIZATION_SELECTION: on }).organizations).toEqual({
        forceOrganizationSelection: true,
      });
    }
    expect(loadConfig({ 'data-dir': dataDir() }, { GATEHOUSE_FORCE_ORGANIZATION_SELECTION: '' }).organizations).toBeUndefined();
  });

  it('refuses anything but 1/0/true/false, naming the variable', () => {
    for (const bad of ['yes', 'on', '2']) {
      expect(() => loadConfig({ 'data-dir': dataDir() }, { GATEHOUSE_FORCE_ORGANIZATION_SELECTION: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ 'data-dir': dataDir() }, { GATEHOUSE_FORCE_ORGANIZATION_SELECTION: bad })).toThrow(
        /GATEHOUSE_FORCE_ORGANIZATION_SELECTION/,
      );
    }
    expect(() => loadConfig({ 'data-dir': dataDir({ organizations: { forceOrganizationSelection: 'yes' } }) }, {})).toThrow(
      /forceOrganizationSelection/,
    );
  });
});
