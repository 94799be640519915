/**
 * What a port is built from, built on its first use and then kept: a process that never uses it
 * (a cold start, the table's stream) never loads its code. A build that fails is tried again at
 * the next use, not kept as a failure (with that use's arguments, when it takes any: a Lambda
 * function's settings). `ifBuilt` gives it without building (to close it, say).
 */
export function onFirstUse<T, A extends unknown[] = []>(
  build: (...args: A) => Promise<T>,
): ((...args: A) => Promise<T>) & { ifBuilt(): Promise<T> | undefined } {
  let built: Promise<T> | undefined;
  const use = (...args: A) =>
    (built ??= build(...args).catch((err) => {
      built = undefined;
      throw err;
    }));
  return Object.assign(use, { ifBuilt: () => built });
}
