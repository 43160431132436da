// check_ui.mjs — drive Debian's Chromium (never a downloaded browser) through
// the Medallion UI and compare what the pages show with the run store (read
// through `medallion runs`) and the Delta log (`medallion history --json`,
// `medallion cat --version N`): the asset graph, a click through to a table
// and to an older version, the runs and a run page, the checks, and a table
// whose column names and values are markup. Screenshots go to OUT_DIR.
//
// usage: UI_NPM_DIR=DIR node check_ui.mjs BASE_URL OUT_DIR HOME MEDALLION_BIN
// (DIR: where scripts/npm-ci.sh installed this folder's package-lock.json;
// the script itself runs from the source tree so edits take effect at once).
import {execFileSync} from 'node:child_process';
import {mkdirSync} from 'node:fs';
import {createRequire} from 'node:module';

const {chromium} = createRequire(`${process.env.UI_NPM_DIR}/`)('playwright-core');

const [base, outDir, home, bin] = process.argv.slice(2);
mkdirSync(outDir, {recursive: true});
const medallion = (...args) => execFileSync(bin, args, {encoding: 'utf8', maxBuffer: 1 << 28});
let failures = 0;
function expect(what, actual, wanted) {
  const ok = String(actual) === String(wanted);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}: ${actual}${ok ? '' : ` (expected ${wanted})`}`);
  if (!ok) failures++;
}
const n = (text) => Number(String(text).replace(/[^0-9-]/g, ''));

// The expected numbers, from the run store and the Delta log by other means than the UI.
const runsText = medallion('runs', '--home', home).trim().split('\n').slice(1);
const runIds = runsText.map((l) => l.split(/\s+/)[0]);
const latestRun = medallion('runs', 'show', runIds[0], '--home', home);
const assetLine = (name) => latestRun.split('\n').find((l) => l.startsWith(name + ' '));
const assetNumbers = (name) => {
  const f = assetLine(name).trim().split(/\s+/);
  return {status: f[1], rows: Number(f[2]), rejects: Number(f[3]), version: Number(f[4])};
};
const history = JSON.parse(`[${medallion('history', `${home}/silver/billing`, '--json').trim().split('\n').join(',')}]`)
  .flat();
const versions = history.map((c) => c.version).sort((a, b) => a - b);
const latestVersion = versions[versions.length - 1];
const rowsAt = (v) => medallion('cat', `${home}/silver/billing`, '--version', String(v)).trim().split('\n').length;

const browser = await chromium.launch({executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu']});
const context = await browser.newContext({viewport: {width: 1800, height: 1000}, timezoneId: 'Pacific/Auckland'});
const page = await context.newPage();
const problems = [];
page.on('dialog', (d) => { problems.push('dialog opened: ' + d.message()); d.dismiss(); });
page.on('pageerror', (e) => problems.push('page error: ' + e.message));
let expectingErrors = false;
page.on('console', (m) => {
  if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push('console error: ' + m.text());
});
page.on('response', (r) => { if (r.status() >= 400 && !expectingErrors) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
page.on('request', (r) => { if (!r.url().startsWith(base)) problems.push('request off the server: ' + r.url()); });
const ready = (name) => page.waitForSelector(`main[data-ready="${name}"]`, {timeout: 15000});
const shot = (name) => page.screenshot({path: `${outDir}/${name}.png`, fullPage: true});

// Assets: the graph and the latest numbers.
await page.goto(base + '/#/assets');
await ready('assets');
await shot('assets');
const billing = assetNumbers('silver/billing');
expect('graph nodes', await page.locator('svg g.node').count(), latestRun.split('\n').filter((l) => /^(bronze|silver|gold|export)\//.test(l)).length);
expect('graph edges > 20', (await page.locator('svg path.edge').count()) > 20, true);
const nodeText = await page.locator('g.node[data-asset="silver/billing"] text[data-field="rows"]').textContent();
expect('graph silver/billing rows', n(nodeText.split('·')[1]), billing.rows);
const row = page.locator('#assets-table tr[data-asset="silver/billing"] td');
expect('assets table silver/billing rows', n(await row.nth(3).textContent()), billing.rows);
expect('assets table silver/billing rejects', n(await row.nth(4).textContent()), billing.rejects);
expect('assets table silver/billing table version', n(await row.nth(5).textContent()), latestVersion);
const title = await page.locator('#assets-table tr[data-asset="silver/billing"] time').getAttribute('title');
expect('times carry UTC on hover', /Z \(UTC\)$/.test(title), true);

// Click from the graph to the table, then to its first version.
await page.locator('g.node[data-asset="silver/billing"]').click();
await ready('tables');
await shot('table-silver-billing');
expect('table page latest version', await page.locator('#latest-version').textContent(), latestVersion);
expect('history rows', await page.locator('#history-table tbody tr').count(), versions.length);
expect('shown version', await page.locator('#shown-version').textContent(), latestVersion);
expect('total rows at latest', n(await page.locator('#total-rows').textContent()), rowsAt(latestVersion));
expect('preview rows', await page.locator('#rows-table tbody tr').count(), Math.min(50, rowsAt(latestVersion)));
const v0 = page.locator('#history-table tr[data-version="0"] td');
expect('version 0 rows added (= first run rows written)', n(await v0.nth(5).textContent()), rowsAt(0));
expect('rejects chart bars', (await page.locator('svg.chart rect').count()) > 0, true);
await page.locator('#history-table tr[data-version="0"] a.version-link').click();
await page.waitForFunction(() => document.querySelector('#shown-version') &&
                                 document.querySelector('#shown-version').textContent === '0');
await shot('table-silver-billing-v0');
expect('time travel: total rows at version 0', n(await page.locator('#total-rows').textContent()), rowsAt(0));

// Runs and one run.
await page.goto(base + '/#/runs');
await ready('runs');
await shot('runs');
expect('run rows', await page.locator('#runs-table tbody tr').count(), runIds.length);
await page.locator(`#runs-table tr[data-run="${runIds[0]}"] a.run-link`).click();
await ready('runs');
await page.waitForSelector('#run-assets');
await shot('run');
const runRow = page.locator('#run-assets tr[data-asset="silver/billing"] td');
expect('run page silver/billing rows', n(await runRow.nth(2).textContent()), billing.rows);
const rejectRows = await page.locator('#run-rejects tbody tr').allTextContents();
const billingRejects = rejectRows.filter((t) => t.startsWith('silver/billing')).map((t) => n(t.split(/[a-z_]+/i).pop()));
expect('run page silver/billing rejects by reason sum', billingRejects.reduce((a, b) => a + b, 0), billing.rejects);

// Checks.
await page.goto(base + '/#/checks');
await ready('checks');
await shot('checks');
const checkEvents = (latestRun.match(/ check /g) || []).length;
expect('checks listed (one per check)', await page.locator('#checks-table tbody tr').count(), checkEvents);

// Markup in column names and values is shown as text.
await page.goto(base + '/#/tables/silver/xss_test');
await ready('tables');
await shot('table-markup');
expect('markup column name shown as text',
       (await page.locator('#schema-table').textContent()).includes('<script>"x\'</script>'), true);
expect('markup value shown as text',
       (await page.locator('#rows-table').textContent()).includes('"\'><img src=x onerror=alert(1)>'), true);
expect('no element created from data', await page.evaluate(() => document.querySelectorAll('img, main script, b').length), 0);

// A bad link shows an error, not a blank page (its API call's 404 is expected).
expectingErrors = true;
await page.goto(base + '/#/tables/silver/no_such_table');
await ready('tables');
expect('unknown table message', (await page.locator('#page-error').textContent()).includes('no table'), true);

await browser.close();
for (const p of problems) { console.log('FAIL ' + p); failures++; }
console.log(failures ? `${failures} check(s) failed` : 'all browser checks passed');
process.exit(failures ? 1 : 0);
