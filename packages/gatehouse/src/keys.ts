/**
 * The publishable key is only a carrier for the Frontend API host: `pk_test_`/`pk_live_` + base64 of
 * `<host>$` without padding. The SDKs refuse a host without a dot.
 */
export function buildPublishableKey(environmentType: 'development' | 'production', publicUrl: string): string {
  const host = new URL(publicUrl).host;
  const prefix = environmentType === 'production' ? 'pk_live_' : 'pk_test_';
  return prefix + Buffer.from(`${host}$`).toString('base64').replace(/=+$/, '');
}
