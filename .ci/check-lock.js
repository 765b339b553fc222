// Fails with a clear message when package-lock.json holds an entry without a version: npm 11.19
// refuses such a lock file in `npm ci` with a bare "Invalid Version:" (seen with entries written by
// another npm for unrs-resolver's optional platform bindings).
const fs = require('fs');
const path = require('path');

const file = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const bad = Object.entries(lock.packages ?? {})
  .filter(([key, entry]) => key !== '' && !entry.link && !entry.version)
  .map(([key]) => key);
if (bad.length > 0) {
  console.error(`package-lock.json: ${bad.length} entries have no version, so \`npm ci\` fails with "Invalid Version:" on a fresh machine:`);
  for (const key of bad.slice(0, 10)) console.error(`  ${key}`);
  if (bad.length > 10) console.error(`  ... and ${bad.length - 10} more`);
  console.error('Rewrite it with this machine\'s npm: rm package-lock.json && npm install --package-lock-only');
  process.exit(1);
}
console.log(`package-lock.json: ${Object.keys(lock.packages ?? {}).length - 1} entries, each with a version`);
