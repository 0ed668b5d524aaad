import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { WEB_DIR } from '../scripts/web-build';

/** Debian's chromium (installed by .ci/run); playwright's own browser downloads cannot run here. */
export const CHROMIUM = process.env['TECHTEAM_CHROMIUM'] ?? '/usr/lib/chromium/chromium';
/** Every run's screenshots of every page; git ignores the folder. */
export const SCREENSHOTS = join(WEB_DIR, 'test/screenshots');

export class ChromiumMissing extends Error {
  override readonly name = 'ChromiumMissing';
  constructor() {
    super(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run does), or set TECHTEAM_CHROMIUM`);
  }
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new ChromiumMissing();
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
