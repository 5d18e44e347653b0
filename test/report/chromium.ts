import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's Chromium package. */
export const CHROMIUM = '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function aptGet(args: string[]): string {
  const result = spawnSync('apt-get', args, {
    encoding: 'utf8',
    timeout: 15 * 60_000,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.error) return result.error.message;
  return result.status === 0 ? '' : (result.stderr.trim().split('\n').at(-1) ?? `exit ${result.status}`);
}

/**
 * Chromium at /usr/bin/chromium, installed with `apt-get install -y chromium` (after an `apt-get update`
 * when the first try fails) where it is missing. Returns why not when it cannot be had.
 */
export function ensureChromium(): { ok: true } | { ok: false; reason: string } {
  if (existsSync(CHROMIUM)) return { ok: true };
  let failure = aptGet(['install', '-y', 'chromium']);
  if (!existsSync(CHROMIUM)) failure = aptGet(['update']) || aptGet(['install', '-y', 'chromium']);
  if (existsSync(CHROMIUM)) return { ok: true };
  return {
    ok: false,
    reason: `SKIPPED: the dashboard browser tests need Chromium at ${CHROMIUM}; "apt-get install -y chromium" failed: ${failure}`,
  };
}

/** Headless Chromium with a fresh profile; `close` ends it and removes the profile. */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), 'tunegate-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1200, height: 900 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
