import { describe, expect, it } from 'vitest';
import { ChromiumNotFoundError, findChromium, launchChromium } from '../src/index.js';

describe('findChromium', () => {
  it('uses CHROMIUM_PATH when it exists', () => {
    expect(findChromium({ CHROMIUM_PATH: process.execPath })).toBe(process.execPath);
  });

  it('refuses a CHROMIUM_PATH that does not exist, naming it and the fix', () => {
    expect(() => findChromium({ CHROMIUM_PATH: '/nowhere/chromium' })).toThrow(ChromiumNotFoundError);
    expect(() => findChromium({ CHROMIUM_PATH: '/nowhere/chromium' })).toThrow(
      /CHROMIUM_PATH=\/nowhere\/chromium does not exist; point it at a Chromium/,
    );
  });

  it('launches the browser it finds, which loads a page', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.setContent('<p id="x">ok</p>');
      expect(await page.textContent('#x')).toBe('ok');
    } finally {
      await browser.close();
    }
  });
});
