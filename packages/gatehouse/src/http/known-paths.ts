/**
 * Every route's path pattern and its methods, so that a request the router cannot place can be told
 * apart: a path some route serves with another method (405 `method_not_allowed`, with `Allow`) from a
 * path nothing serves (404). Consulted only on that miss, never on the hot path.
 */
export interface KnownPaths {
  add(method: string | string[], url: string): void;
  /** The methods the path is served with, sorted; empty when no route has it. */
  methodsFor(path: string): string[];
}

/** `/api/v1/users/:id` → a regular expression for one concrete path (a parameter is one segment). */
function patternOf(url: string): RegExp {
  const source = url
    .replace(/\/+$/, '')
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`);
}

export function createKnownPaths(): KnownPaths {
  const routes = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  return {
    add(method, url) {
      let entry = routes.get(url);
      if (!entry) {
        entry = { pattern: patternOf(url), methods: new Set() };
        routes.set(url, entry);
      }
      for (const m of Array.isArray(method) ? method : [method]) entry.methods.add(m.toUpperCase());
    },
    methodsFor(path) {
      const methods = new Set<string>();
      for (const { pattern, methods: served } of routes.values()) {
        if (pattern.test(path)) for (const m of served) methods.add(m);
      }
      return [...methods].sort();
    },
  };
}
