// attack: JavaScript: write files outside /app (../, /tmp, the host canary, the stdlib mount)
// expect: blocked
const fs = require('fs');
for (const path of ['../evil.txt', '/tmp/evil.txt', '{{CANARY_FILE}}', '{{CANARY_DIR}}/evil.txt', '/usr/local/lib/evil.txt']) {
  try {
    fs.writeFileSync(path, 'pwned');
    console.log('ESCAPED', path);
  } catch (e) {
    console.log('BLOCKED', path, String(e));
  }
}
