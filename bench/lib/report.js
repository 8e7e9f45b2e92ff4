'use strict';
/** Where every benchmark leaves its figures: bench/results/<name>.{json,md}, and stdout. */
const fs = require('fs');
const path = require('path');

const RESULTS = path.join(__dirname, '..', 'results');

const checklist = (checks) =>
  checks.map(([name, pass, value]) => `- [${pass ? 'x' : ' '}] ${name}: ${value}`);

const writeReport = (name, results, markdown) => {
  fs.mkdirSync(RESULTS, { recursive: true });
  fs.writeFileSync(path.join(RESULTS, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(path.join(RESULTS, `${name}.md`), markdown);
  process.stdout.write(`\n${markdown}\n`);
};

/** Runs a benchmark's main and exits non-zero with the error if it fails. */
const main = (run) =>
  run().catch((error) => {
    process.stderr.write(`${error.stack || error}\n`);
    process.exit(1);
  });

module.exports = { writeReport, checklist, main };
