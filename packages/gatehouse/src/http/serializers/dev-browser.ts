/** A development browser (`POST /v1/dev_browser`); clerk-js reads its `id`. No SDK type declares it. */
export interface DevBrowserJSON {
  object: 'dev_browser';
  id: string;
}

export function serializeDevBrowser(id: string): DevBrowserJSON {
  return { object: 'dev_browser', id };
}
