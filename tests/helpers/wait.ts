/**
 * Polls `check` until it holds or `timeoutMs` passes; true when it held.
 * The one wait of the suites (workers, queues, deliveries run beside the
 * test): assert on its answer, so a timeout fails the test that waited.
 */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
  everyMs = 50
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return true
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
  return false
}
