// attack: JavaScript: fill the disk with fs.writeFileSync / appendFileSync until stopped (quota 4 MB)
// expect: blocked
// session: small
const fs = require('fs');
const chunk = 'x'.repeat(1024 * 1024);
let written = 0;
try {
  for (let i = 0; i < 10000; i++) {
    if (fs.appendFileSync) fs.appendFileSync('/app/fill.txt', chunk); else fs.writeFileSync('/app/fill' + i + '.txt', chunk);
    written++;
  }
  console.log('ESCAPED', written, 'MB');
} catch (e) {
  console.log('BLOCKED after', written, 'MB:', String(e));
}
