/**
 * How deeply a request's JSON may nest. JSON.parse takes any depth, but JSON.stringify, zod and the
 * claims renderer recurse, and a few thousand levels overflow their stack (a 500). Real metadata and
 * claims are a handful of levels deep.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether `value` nests objects and arrays at most `max` levels deep (walked without recursion). */
export function withinJsonDepth(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const [node, depth] = entry;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= max) return false;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return true;
}
