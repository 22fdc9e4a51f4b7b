/**
 * A module imported on first use and then kept. Some modules import each
 * other's services lazily to break an import cycle; `await import()` on every
 * call costs a trip through the module loader (under the TypeScript loader
 * hooks, a synchronous round trip to their thread — measurable on the check
 * path), so the promise is kept instead.
 */
export function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | null = null
  return () => {
    loading ??= load().catch((error) => {
      loading = null
      throw error
    })
    return loading
  }
}
