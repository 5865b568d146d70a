// The weight of a page's first view in a real Chromium (Debian's), as a new visitor gets it: every response's bytes
// on the wire (headers and encoded body), with an empty cache, after the network is idle (fonts included).
// Usage: node first-view.js PLAYWRIGHT_PACKAGE CHROMIUM URL [HEADER:VALUE ...]; prints one JSON line.
'use strict';
const [packageDir, executablePath, url, ...headerArgs] = process.argv.slice(2);
const { chromium } = require(packageDir);
const extraHTTPHeaders = Object.fromEntries(headerArgs.map(h => [h.slice(0, h.indexOf(':')), h.slice(h.indexOf(':') + 1)]));

(async () => {
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  try {
    const context = await browser.newContext({ extraHTTPHeaders });
    const page = await context.newPage();
    const responses = [];
    page.on('requestfinished', request => responses.push(request));
    await page.goto(url, { waitUntil: 'networkidle' });
    let total = 0;
    const files = [];
    for (const request of responses) {
      const sizes = await request.sizes();
      const bytes = sizes.responseBodySize + sizes.responseHeadersSize;
      const response = await request.response();
      total += bytes;
      files.push({ url: new URL(request.url()).pathname, bytes, encoding: response ? (await response.allHeaders())['content-encoding'] || '' : '' });
    }
    console.log(JSON.stringify({ url, requests: files.length, bytes: total, files }));
  } finally {
    await browser.close();
  }
})().catch(error => { console.error(error); process.exit(1); });
