// Screenshots the suite leaves for people to look at (E2E_ARTIFACTS, default ./e2e-artifacts).
import fs from 'node:fs/promises';
import path from 'node:path';

export const kArtifactsDir = path.resolve(process.env.E2E_ARTIFACTS ?? 'e2e-artifacts');

export async function screenshot(page, name) {
  await fs.mkdir(kArtifactsDir, { recursive: true });
  const file = path.join(kArtifactsDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

// What the page looked like when a test failed; never hides the failure itself.
export async function failureShot(page, name) {
  try {
    if (page && !page.isClosed()) return await screenshot(page, `failed-${name}`);
  } catch { /* the browser may be gone */ }
  return null;
}
