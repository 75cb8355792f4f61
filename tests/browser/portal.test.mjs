// The portal in a real browser: Debian's headless Chromium, driven by playwright-core, against
// a real `ledgerline serve` on a demo label. tests/browser/run.sh sets everything up and passes
// the base URL, the demo's logins and the files to use in the environment.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run these tests through tests/browser/run.sh`);
  return value;
}

const baseUrl = required("LEDGERLINE_URL");
const demo = JSON.parse(readFileSync(required("LEDGERLINE_DEMO_JSON"), "utf8"));
const catalogCsv = required("LEDGERLINE_CATALOG_CSV");
const report = required("LEDGERLINE_REPORT");
const executablePath = process.env.LEDGERLINE_CHROMIUM || "/usr/bin/chromium";
const screenshots = process.env.LEDGERLINE_SCREENSHOTS || path.join(import.meta.dirname, "screenshots");

const admin = demo.logins.find((login) => login.role === "admin");
const payees = demo.logins.filter((login) => login.role === "payee");
assert.ok(admin, "the demo made an admin login");
assert.ok(payees.length >= 2, "the demo made two payee logins");

const STEP = 15_000;
const SCENARIO = { timeout: 120_000 };

let browser;

before(async () => {
  mkdirSync(screenshots, { recursive: true });
  browser = await chromium.launch({
    executablePath,
    headless: true,
    // launch() gives Chromium a fresh, empty profile each run. There is no network but
    // loopback on these machines, so Chromium's own background traffic is turned off.
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    timeout: 60_000,
  });
});

after(async () => {
  await browser?.close();
});

/** A fresh context (no cookies) and page; every page error fails the scenario. */
async function freshPage() {
  const context = await browser.newContext({ baseURL: baseUrl, acceptDownloads: true });
  context.setDefaultTimeout(STEP);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  return { context, page, errors };
}

/**
 * Clicks what submits a form and waits for the server's answer to the POST to `action`, which
 * must have status `expected`; otherwise fails with the message the page shows.
 */
async function submit(page, action, click, expected) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === action, { timeout: 60_000 }),
    click(),
  ]);
  if (response.status() !== expected) {
    const body = await response.text().catch(() => "");
    const shown = (body.match(/role="alert">([\s\S]*?)<\/(?:p|div)>/) || [, body])[1].replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim();
    assert.fail(`POST ${action} answered ${response.status()}, not ${expected}: ${shown.slice(0, 400)}`);
  }
  return response;
}

async function signIn(page, login) {
  const response = await page.goto("/login");
  assert.equal(response.status(), 200, "the login page answers 200");
  await page.locator("#email").fill(login.email);
  await page.locator("#password").fill(login.password);
  // 303 to the home page; a refusal is a page of its own at /login.
  await submit(page, "/login", () => page.getByRole("button", { name: "Sign in" }).click(), 303);
  await page.waitForURL((url) => url.pathname !== "/login");
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

async function heading(page) {
  return (await page.locator("main h1").first().textContent()).trim();
}

/** The first ISRC of the demo's catalog (CSV with a header; quoted fields may hold commas). */
function catalogIsrc() {
  const [header, ...rows] = readFileSync(catalogCsv, "utf8").split(/\r?\n/).filter(Boolean);
  const fields = (line) => {
    const out = [];
    let field = "";
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') (field += '"'), i++;
        else if (c === '"') quoted = false;
        else field += c;
      } else if (c === '"') quoted = true;
      else if (c === ",") out.push(field), (field = "");
      else field += c;
    }
    out.push(field);
    return out;
  };
  const column = fields(header).indexOf("isrc");
  assert.ok(column >= 0, `${catalogCsv} has an isrc column`);
  const isrc = rows.map((row) => fields(row)[column]).find((value) => /^[A-Z]{2}[A-Z0-9]{3}\d{7}$/.test(value));
  assert.ok(isrc, `${catalogCsv} has a track with an ISRC`);
  return isrc;
}

test("a payee reads a statement, drills down to the report lines, downloads the PDF and signs out", SCENARIO, async () => {
  const payee = payees[0];
  const { context, page, errors } = await freshPage();
  try {
    await signIn(page, payee);
    assert.equal(new URL(page.url()).pathname, `/payees/${payee.payee}`, "a payee lands on their statements");
    assert.match(await heading(page), /statements$/);

    // The list links each issued statement by its period.
    await Promise.all([page.waitForURL(`**/payees/${payee.payee}/statements/2026-H1`), page.getByRole("link", { name: "2026-H1", exact: true }).click()]);
    assert.equal(await heading(page), "Statement 2026-H1");
    const summary = page.locator("table.summary caption", { hasText: "Summary" });
    await summary.waitFor();
    for (const row of ["Opening balance", "Earnings", "Closing balance"]) {
      assert.equal(await page.locator("table.summary th[scope=row]", { hasText: row }).count() >= 1, true, `the summary shows ${row}`);
    }
    const closing = await page.locator("table.summary tr.total td.num").first().textContent();
    assert.match(closing, /^-?\d+\.\d{2} [A-Z]{3}$/, "the closing balance is money with its currency");
    const charts = page.locator("section.charts figure svg");
    assert.ok((await charts.count()) >= 1, "the statement shows at least one chart");
    assert.ok((await charts.first().boundingBox()).height > 20, "the first chart is drawn with a height");
    await page.screenshot({ path: path.join(screenshots, "statement.png"), fullPage: true });

    // Drill down: service, territory, track, then the report lines behind the amount.
    await Promise.all([page.waitForURL("**/lines"), page.getByRole("link", { name: /^Drill down by service/ }).click()]);
    for (const level of ["service", "territory", "track"]) {
      const table = page.locator("table", { has: page.locator("caption", { hasText: `Earnings by ${level}` }) });
      await table.waitFor();
      const rows = table.locator("tbody tr");
      assert.ok((await rows.count()) >= 1, `at least one ${level} earned something`);
      const link = rows.first().locator("td").first().locator("a");
      const name = (await link.textContent()).trim();
      assert.ok(name.length > 0, `the first ${level} has a name`);
      await Promise.all([page.waitForURL((url) => url.searchParams.has(level)), link.click()]);
      assert.match(await heading(page), /^Statement 2026-H1: lines$/);
    }
    const behind = page.locator("section.explained table", { has: page.locator("caption", { hasText: "The report lines behind it" }) });
    assert.ok((await behind.count()) >= 1, "the deepest level shows the report lines behind the amount");
    assert.ok((await behind.first().locator("tbody tr").count()) >= 1, "at least one report line is behind the amount");
    assert.match(await behind.first().locator("tbody tr td").first().textContent(), /^#\d+ \S/, "each line names its import and file");
    await page.screenshot({ path: path.join(screenshots, "report-lines.png"), fullPage: true });

    // Back to the statement by the breadcrumb, then the PDF download.
    await Promise.all([
      page.waitForURL(`**/payees/${payee.payee}/statements/2026-H1`),
      page.locator("nav.crumbs a", { hasText: "2026-H1" }).click(),
    ]);
    const pdfLink = page.locator("ul.downloads a[download]", { hasText: /^PDF$/ });
    assert.equal(await pdfLink.getAttribute("href"), `/payees/${payee.payee}/statements/2026-H1/download/pdf`);
    const [download] = await Promise.all([page.waitForEvent("download"), pdfLink.click()]);
    assert.equal(await download.failure(), null, "the download finished");
    assert.match(download.suggestedFilename(), /\.pdf$/);
    const bytes = readFileSync(await download.path());
    assert.ok(bytes.length > 1000, "the PDF is not empty");
    assert.equal(bytes.subarray(0, 5).toString("latin1"), "%PDF-");

    // Signing out ends the session: the statement sends the browser to the login page.
    await submit(page, "/logout", () => page.getByRole("button", { name: "Sign out" }).click(), 303);
    await page.waitForURL("**/login");
    assert.equal(await heading(page), "Sign in");
    await page.goto(`/payees/${payee.payee}/statements/2026-H1`);
    assert.equal(new URL(page.url()).pathname, "/login", "after signing out the statement redirects to /login");
    assert.equal(await page.getByRole("button", { name: "Sign out" }).count(), 0);
    assert.deepEqual(errors, [], "no script error on any page");
  } finally {
    await context.close();
  }
});

test("a payee cannot open another payee's statement", SCENARIO, async () => {
  const [payee, other] = payees;
  const { context, page } = await freshPage();
  try {
    await signIn(page, payee);
    // Their own statement opens...
    const own = await page.goto(`/payees/${payee.payee}/statements/2026-H1`);
    assert.equal(own.status(), 200);
    // ...the other payee's, with a valid period, is "not found", as is their home.
    for (const url of [`/payees/${other.payee}/statements/2026-H1`, `/payees/${other.payee}`, `/payees/${other.payee}/statements/2026-H1/download/pdf`]) {
      const response = await page.goto(url).catch((error) => error);
      if (response instanceof Error) {
        // A download that Chromium would start instead of a page is a failure.
        assert.fail(`${url}: ${response.message}`);
      }
      assert.equal(response.status(), 404, `${url} answers 404`);
      assert.equal(await heading(page), "Not found", `${url} shows the not-found page`);
      assert.equal(await page.locator("table.summary").count(), 0, `${url} shows no statement`);
    }
    // Still signed in as themselves.
    const home = await page.goto("/");
    assert.equal(home.status(), 200);
    assert.equal(new URL(page.url()).pathname, `/payees/${payee.payee}`);
  } finally {
    await context.close();
  }
});

test("the label admin imports a report, resolves an unmatched identifier and closes a period", SCENARIO, async () => {
  const isrc = catalogIsrc();
  const { context, page, errors } = await freshPage();
  try {
    await signIn(page, admin);
    assert.equal(new URL(page.url()).pathname, "/label", "the admin lands on the dashboard");
    assert.equal(await heading(page), "Dashboard");
    assert.ok((await page.locator("main figure svg").count()) >= 1, "the dashboard draws its receipts chart");
    await page.screenshot({ path: path.join(screenshots, "dashboard.png"), fullPage: true });

    // Import: portal.js posts the form by XHR and writes the answer over the page.
    await page.getByRole("link", { name: "Imports", exact: true }).click();
    await page.waitForURL("**/label/imports");
    await page.locator("#report").setInputFiles(report);
    await submit(page, "/label/imports", () => page.getByRole("button", { name: "Import" }).click(), 200);
    const result = page.locator("[role=status]", { hasText: "imported as #" });
    await result.waitFor({ timeout: 60_000 });
    const text = (await result.textContent()).replace(/\s+/g, " ");
    assert.ok(text.includes(path.basename(report)), `the result names the file: ${text}`);
    const counts = text.match(/imported as #(\d+) \([^)]*\): (\d+) lines, (\d+) matched, (\d+) unmatched/);
    assert.ok(counts, `the result gives the line counts: ${text}`);
    const [, , lines, matched, unmatched] = counts.map(Number);
    assert.ok(lines > 0, "the report has lines");
    assert.equal(matched + unmatched, lines);
    assert.ok(unmatched > 0, "another label's tracks are unmatched here");
    await page.screenshot({ path: path.join(screenshots, "import.png"), fullPage: true });

    // Unmatched: resolve one identifier from that report to a catalog ISRC.
    await page.goto("/label/unmatched");
    assert.equal(await heading(page), "Unmatched");
    const source = path.basename(path.dirname(report));
    const group = page.locator("main tbody tr", { hasText: source }).filter({ has: page.locator("input[name=target]") }).first();
    await group.waitFor();
    const identifier = (await group.locator("code").first().textContent()).trim();
    assert.ok(identifier.length > 0);
    await group.getByPlaceholder("ISRC or UPC").fill(isrc);
    await submit(page, "/label/unmatched", () => group.getByRole("button", { name: "Resolve" }).click(), 200);
    const resolved = page.locator("[role=status]", { hasText: "lines now match" });
    await resolved.waitFor();
    const message = await resolved.textContent();
    assert.ok(message.includes(identifier) && message.includes(isrc), `the message names both: ${message}`);
    assert.match(message, /: [1-9]\d* lines now match/);
    assert.equal(await page.locator("main tbody code", { hasText: identifier }).count(), 0, "the identifier left the queue");

    // Periods: preview 2026-H2, then close it.
    await page.getByRole("link", { name: "Periods", exact: true }).click();
    await page.waitForURL("**/label/periods");
    await page.locator("#run-period input[name=period]").fill("2026-H2");
    await Promise.all([page.waitForURL("**/label/periods/preview?period=2026-H2"), page.locator("#run-period").getByRole("button", { name: "Preview" }).click()]);
    assert.equal(await heading(page), "Period 2026-H2");
    assert.match(await page.locator("p.lead").textContent(), /draft/);
    assert.ok((await page.locator("main > table:not(.summary) tbody tr").count()) >= 1, "the draft lists payees");
    const close = page.locator("#close-period").getByRole("button", { name: "Close 2026-H2 and issue its statements" });
    await submit(page, "/label/periods/2026-H2/close", () => close.click(), 200);
    await page.locator("[role=status]", { hasText: "is closed" }).waitFor({ timeout: 60_000 });
    assert.match(await page.locator("[role=status]").textContent(), /^2026-H2 is closed: \d+ statements issued\.$/);
    assert.match(await page.locator("p.lead").textContent(), /closed/);
    assert.equal(await page.locator("#close-period").count(), 0, "a closed period cannot be closed again");
    await page.goto("/label/periods");
    assert.ok((await page.getByRole("link", { name: "2026-H2", exact: true }).count()) === 1, "2026-H2 is listed as closed");
    assert.deepEqual(errors, [], "no script error on any page");
  } finally {
    await context.close();
  }
});
