import { describe, expect, it } from 'vitest';
import { describeDevice } from './session-activities.js';

const UA = {
  chromeMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  safariIphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
  firefoxWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0',
  chromeAndroid: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
  safariIpad:
    'Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
};

describe('describeDevice', () => {
  const cases: [string, string | undefined, Record<string, unknown>][] = [
    [
      'Chrome on macOS',
      UA.chromeMac,
      { browserName: 'Chrome', browserVersion: '120.0.0.0', osName: 'macOS', deviceType: 'macOS', isMobile: false },
    ],
    [
      'Safari on an iPhone',
      UA.safariIphone,
      { browserName: 'Safari', browserVersion: '17.0', osName: 'iOS', deviceType: 'iPhone', isMobile: true },
    ],
    [
      'Firefox on Windows',
      UA.firefoxWindows,
      { browserName: 'Firefox', browserVersion: '121.0', osName: 'Windows', deviceType: 'Windows', isMobile: false },
    ],
    ['Chrome on Android', UA.chromeAndroid, { browserName: 'Chrome', osName: 'Android', deviceType: 'Android', isMobile: true }],
    ['Safari on an iPad', UA.safariIpad, { browserName: 'Safari', deviceType: 'iPad', isMobile: true }],
    ['no User-Agent', undefined, { browserName: null, browserVersion: null, osName: null, deviceType: null, isMobile: false }],
    ['an empty User-Agent', '   ', { browserName: null, deviceType: null, isMobile: false }],
    ['a script', 'curl/8.5.0', { browserName: null, osName: null, isMobile: false }],
  ];
  it.each(cases)('%s', (_name, userAgent, expected) => {
    const activity = describeDevice({ userAgent, ipAddress: '203.0.113.9' }, 'sess_1', 1_700_000_000_000);
    expect(activity).toMatchObject({
      sessionId: 'sess_1',
      ipAddress: '203.0.113.9',
      city: null,
      country: null,
      createdAt: 1_700_000_000_000,
    });
    expect(activity).toMatchObject(expected);
  });

  it('bounds what it stores: a huge User-Agent is cut before parsing and every field is short', () => {
    const activity = describeDevice({ userAgent: `${'x'.repeat(100_000)} Chrome/1.2`, ipAddress: 'y'.repeat(500) }, 'sess_2', 0);
    expect(activity.browserName).toBeNull();
    expect(activity.ipAddress?.length).toBe(64);
  });
});
