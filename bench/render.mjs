#!/usr/bin/env node
/**
 * Re-renders RESULTS.md and results.svg from results.json (same directory, or --out FILE), without
 * measuring anything: for changes to the report's layout. The figures stay those of the run that wrote
 * results.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderMarkdown } from './lib/markdown.mjs';
import { readOptions } from './lib/options.mjs';
import { scenarioRows } from './lib/report.mjs';
import { renderChart } from './lib/svg.mjs';
import { readWebhookResults } from './lib/webhooks-report.mjs';

const { out } = readOptions();
const dir = path.dirname(out);
const results = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8'));
const rows = scenarioRows(results);
writeFileSync(path.join(dir, 'results.svg'), renderChart(rows, results));
writeFileSync(out, renderMarkdown(rows, results, 'results.svg', readWebhookResults(dir)));
process.stderr.write(`re-rendered ${out} and results.svg from results.json\n`);
