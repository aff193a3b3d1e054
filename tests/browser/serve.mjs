// Browser test of `opsledger serve` in headless Chromium: an open page reloads by itself after an
// edit, a broken edit shows its diagnostics over the last good page, the fix clears them.
// Usage: node tests/browser/serve.mjs OPSLEDGER_BINARY LEDGER_DIR (a git repository with the
// example ledger; its entry 20 is edited and restored).
import { chromium } from "playwright-core";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";

const [bin, ledger] = process.argv.slice(2);
const entry = path.join(ledger, "content/entries/0020-repayment-file.md");
const original = fs.readFileSync(entry, "utf8");
const fail = (msg) => { console.error("FAIL: " + msg); process.exitCode = 1; };
let passed = 0;
const ok = (cond, msg) => { if (cond) { passed++; } else { fail(msg); } };

const server = spawn(bin, ["-C", ledger, "serve", "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
const url = await new Promise((resolve, reject) => {
  readline.createInterface({ input: server.stdout }).on("line", (line) => {
    const m = line.match(/^serving (http:\S+)/);
    if (m) { resolve(m[1]); }
  });
  server.on("exit", (code) => reject(new Error("serve exited with " + code)));
});

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
try {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(url + "entries/20/");
  ok((await page.title()).includes("还款文件生成"), "the entry page is served");

  // An edit reloads the open page.
  fs.writeFileSync(entry, original.replace("title: 还款文件生成", "title: 还款文件生成（改）"));
  await page.waitForFunction(() => document.title.includes("（改）"), null, { timeout: 20000 })
    .then(() => ok(true), () => fail("the page reloads after an edit"));

  // A broken edit: the diagnostics appear over the last good page.
  fs.writeFileSync(entry, original.replace("priority: medium", "priority: [oops"));
  const box = page.locator("#opsledger-live-error");
  await box.waitFor({ timeout: 20000 }).then(() => ok(true), () => fail("a failed build shows its error"));
  ok((await box.textContent()).includes("E0102"), "the error names its code");
  ok((await page.title()).includes("（改）"), "the last good page stays");

  // The fix: the page reloads without the error.
  fs.writeFileSync(entry, original);
  await page.waitForFunction(() => !document.title.includes("（改）") && !document.getElementById("opsledger-live-error"),
    null, { timeout: 20000 }).then(() => ok(true), () => fail("the fix reloads the page, error gone"));
  ok(errors.length === 0, "no page errors: " + errors.join(" | "));
} finally {
  fs.writeFileSync(entry, original);
  await browser.close();
  server.kill();
}
console.log(`${passed} passed, ${process.exitCode ? 1 : 0} failed`);
