// Waiting on conditions instead of sleeping: every assertion about something the page does
// asynchronously polls until it holds or a deadline passes, then fails with the last reason.

const kDefaultTimeoutMs = 15_000;
const kDefaultIntervalMs = 100;

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Calls `probe` until it returns without throwing, and returns its value. `probe` states its
// condition with assert (or any throw); at the deadline the last error is rethrown, prefixed
// with `message` so the failure says what was being waited for.
export async function eventually(probe, { timeoutMs = kDefaultTimeoutMs, intervalMs = kDefaultIntervalMs, message } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (err) {
      if (Date.now() >= deadline) {
        if (message) err.message = `${message} (still failing after ${timeoutMs} ms): ${err.message}`;
        throw err;
      }
    }
    await sleep(intervalMs);
  }
}
