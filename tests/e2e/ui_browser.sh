#!/usr/bin/env bash
# ui_browser.sh — the web UI end to end in a real browser: run the pipeline
# twice on small generated data, add a Delta table whose column names and
# values are markup, start `medallion ui`, and let tests/ui/browser/check_ui.mjs
# drive Debian's /usr/bin/chromium (playwright-core from npm, never a
# downloaded browser) through every page, comparing the numbers shown with
# `medallion runs` and the Delta log. Screenshots: build/test-out/ui_browser/.
set -euo pipefail
source "$MEDALLION_SOURCE_DIR/tests/ui/serve.sh"
ui_require node npm
[[ -x /usr/bin/chromium ]] || ui_unavailable "/usr/bin/chromium is not installed (scripts/setup.sh installs it)"

out=$MEDALLION_BINARY_DIR/test-out/ui_browser
rm -rf "$out"
mkdir -p "$out"
ui_make_home "$out" 2

# silver/xss_test: a one-file table written by hand whose schema has markup in
# a column name and whose partition value is markup (Delta's own rules forbid
# only " ,;{}()=" and whitespace in names).
node --input-type=module - "$out/home" <<'JS'
import {copyFileSync, mkdirSync, readdirSync, statSync, writeFileSync} from 'node:fs';
const home = process.argv[2];
const source = `${home}/bronze/tariff_codes_raw`;
const file = readdirSync(source).find((f) => f.endsWith('.parquet'));
const table = `${home}/silver/xss_test`;
mkdirSync(`${table}/_delta_log`, {recursive: true});
copyFileSync(`${source}/${file}`, `${table}/part-0.parquet`);
const part = 'part"<b>';
const schema = {type: 'struct', fields: [
  {name: 'TARIFF_CODE', type: 'string', nullable: true, metadata: {}},
  {name: '<script>"x\'</script>', type: 'string', nullable: true, metadata: {}},
  {name: part, type: 'string', nullable: true, metadata: {}}]};
const actions = [
  {protocol: {minReaderVersion: 1, minWriterVersion: 2}},
  {metaData: {id: '00000000-0000-4000-8000-000000000001', format: {provider: 'parquet', options: {}},
              schemaString: JSON.stringify(schema), partitionColumns: [part], configuration: {}, createdTime: 0}},
  {add: {path: 'part-0.parquet', partitionValues: {[part]: '"\'><img src=x onerror=alert(1)>'},
         size: statSync(`${table}/part-0.parquet`).size, modificationTime: 0, dataChange: true}}];
writeFileSync(`${table}/_delta_log/00000000000000000000.json`, actions.map((a) => JSON.stringify(a)).join('\n') + '\n');
JS

node_dir=${MEDALLION_NODE_DIR:-$MEDALLION_SOURCE_DIR/build/node}
npm_dir=$("$MEDALLION_SOURCE_DIR/scripts/npm-ci.sh" "$MEDALLION_SOURCE_DIR/tests/ui/browser" "$node_dir/ui-browser") ||
  { echo "FAILED: npm ci of tests/ui/browser"; exit 1; }

ui_start "$out/home" "$out/server.log"
trap 'kill "$ui_pid" 2>/dev/null || true' EXIT
status=0
UI_NPM_DIR=$npm_dir node "$MEDALLION_SOURCE_DIR/tests/ui/browser/check_ui.mjs" "$ui_url" "$out" "$out/home" "$MEDALLION_BIN" || status=$?
ui_stop TERM "$out/server.log"
trap - EXIT
echo "screenshots: $out/*.png"
exit "$status"
