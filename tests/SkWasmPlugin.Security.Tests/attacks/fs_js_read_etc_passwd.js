// attack: JavaScript: read /etc/passwd and /proc/self/environ through require('fs')
// expect: blocked
const fs = require('fs');
for (const path of ['/etc/passwd', '/proc/self/environ', '{{HOME}}/.bashrc']) {
  try {
    console.log('ESCAPED', path, String(fs.readFileSync(path, 'utf8')).slice(0, 40));
  } catch (e) {
    console.log('BLOCKED', path, String(e));
  }
}
