// Browser test of the ledger page in headless Chromium (Debian's chromium, driven by
// playwright-core): filter, sort, search a Chinese word, keep the view in the URL, and no
// console error anywhere. Usage: node tests/browser/ledger.mjs SITE_DIR
import { chromium } from "playwright-core";
import path from "node:path";
import { pathToFileURL } from "node:url";

const site = path.resolve(process.argv[2] || "public");
const url = (p) => pathToFileURL(path.join(site, p)).href;
const fail = (msg) => { console.error("FAIL: " + msg); process.exitCode = 1; };
let passed = 0;
const ok = (cond, msg) => { if (cond) { passed++; } else { fail(msg); } };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage();
const errors = [];
page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
page.on("pageerror", (e) => errors.push(String(e)));

await page.goto(url("ledger/index.html"));
const total = await page.locator("#ledger tbody tr").count();
ok(total > 5, `the ledger lists the entries (${total})`);
const visible = () => page.locator("#ledger tbody tr:not([hidden])");
ok(await page.locator("#filters").isVisible(), "the search box appears with JavaScript");

// Free-text search with a Chinese word.
await page.fill("#q", "还款");
let n = await visible().count();
ok(n > 0 && n < total, `searching 还款 narrows the table (${n} of ${total})`);
for (const text of await visible().allTextContents()) {
  ok(text.includes("还款") || (text.includes("还") && text.includes("款")), "every shown row matches 还款");
}
// Read the address from the page itself: page.url() learns of history.replaceState late.
const href = () => page.evaluate(() => location.href);
const kept = await href();
ok(kept.includes("q=%E8%BF%98%E6%AC%BE") || decodeURIComponent(kept).includes("q=还款"), "the search is kept in the URL");

// A bigram search: 文件生成 matches text that holds 文件 and 生成.
await page.fill("#q", "文件生成");
ok(await visible().count() > 0, "bigram search finds 文件生成");
await page.fill("#q", "");
ok(await visible().count() === total, "clearing the search shows every row");

// Filter by status with the column's select.
const statusSelect = page.locator('select[data-key="status"]');
const options = await statusSelect.locator("option").allTextContents();
ok(options.length > 2, "the status filter offers the statuses");
await statusSelect.selectOption({ label: options[1] });
n = await visible().count();
ok(n > 0 && n < total, `filtering by ${options[1]} narrows the table (${n})`);
const statusIndex = await page.locator("#ledger thead tr:first-child th").evaluateAll(
  (ths) => ths.findIndex((th) => th.getAttribute("data-key") === "status"));
for (const row of await visible().all()) {
  ok((await row.locator("td").nth(statusIndex).textContent()).trim() === options[1], "every shown row has that status");
}
await statusSelect.selectOption({ index: 0 });

// Sort by id, descending after two clicks.
const idHeader = page.locator('#ledger thead th[data-key="id"]');
await idHeader.click();
await idHeader.click();
const ids = (await page.locator("#ledger tbody tr td:first-child").allTextContents()).map((s) => parseInt(s, 10));
ok(ids.every((v, i) => i === 0 || ids[i - 1] >= v), "sorting by id twice gives descending ids");
ok(await idHeader.getAttribute("aria-sort") === "descending", "the header says how it is sorted");

// The view survives a reload through the URL.
await page.fill("#q", "还款");
const shared = await href();
ok(shared.includes("q=") && shared.includes("sort=-id"), "the URL holds the search and the sort: " + shared);
const again = await browser.newPage();
again.on("pageerror", (e) => errors.push(String(e)));
await again.goto(shared);
ok(await again.inputValue("#q") === "还款", "a shared URL restores the search");
ok(await again.locator('#ledger thead th[data-key="id"]').getAttribute("aria-sort") === "descending",
   "a shared URL restores the sort");

// The URL is data: a hash that would break a CSS selector or inject HTML is ignored or
// matched as text, and sort, filter and search still work on that page.
const hostile = await browser.newPage();
const hostileErrors = [];
hostile.on("console", (m) => { if (m.type() === "error") hostileErrors.push(m.text()); });
hostile.on("pageerror", (e) => hostileErrors.push(String(e)));
hostile.on("dialog", (d) => { hostileErrors.push("dialog: " + d.message()); d.dismiss(); });
await hostile.goto(url("ledger/index.html") + '#f.x"]=1&f.status"]=1&f.__proto__=1&sort=x"]' +
  "&q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E");
ok(await hostile.locator("#filters").isVisible(), "a hostile hash still runs the page's script");
ok(await hostile.inputValue("#q") === "<img src=x onerror=alert(1)>", "the search text is shown as text");
ok(await hostile.locator("#ledger img").count() === 0, "the search text is not made into HTML");
await hostile.fill("#q", "");
ok(await hostile.locator("#ledger tbody tr:not([hidden])").count() === total,
   "the unknown filter and sort keys of the hash are ignored");
const hostileStatus = hostile.locator('select[data-key="status"]');
await hostileStatus.selectOption({ label: options[1] });
const filtered = await hostile.locator("#ledger tbody tr:not([hidden])").count();
ok(filtered > 0 && filtered < total, `filtering still works after a hostile hash (${filtered})`);
await hostileStatus.selectOption({ index: 0 });
const hostileId = hostile.locator('#ledger thead th[data-key="id"]');
await hostileId.click();
await hostileId.click();
const hostileIds = (await hostile.locator("#ledger tbody tr td:first-child").allTextContents()).map((s) => parseInt(s, 10));
ok(hostileIds.every((v, i) => i === 0 || hostileIds[i - 1] >= v), "sorting still works after a hostile hash");
ok(hostileErrors.length === 0, "a hostile hash makes no console error: " + hostileErrors.join(" | "));
// A key of the hash that names a real column with a quote in its value is a plain filter.
// (A new page: a hash change alone is not a new load.)
const quoted = await browser.newPage();
quoted.on("pageerror", (e) => hostileErrors.push(String(e)));
await quoted.goto(url("ledger/index.html") + '#f.status=%22%5D');
ok(await quoted.locator("#ledger tbody tr:not([hidden])").count() === 0, "a filter value is matched as text");
ok(hostileErrors.length === 0, "no console errors after a quoted filter value: " + hostileErrors.join(" | "));

// Other pages load without errors.
for (const p of ["index.html", "board/index.html", "entries/20/index.html", "releases/2019-02-28/index.html", "history/index.html"]) {
  await page.goto(url(p));
}
ok(errors.length === 0, "no console errors: " + errors.join(" | "));
await browser.close();
console.log(`${passed} passed, ${process.exitCode ? 1 : 0} failed`);
