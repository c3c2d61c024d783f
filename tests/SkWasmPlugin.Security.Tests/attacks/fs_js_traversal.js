// attack: JavaScript: ../ traversal and absolute host paths with fs.readFileSync / readdirSync
// expect: blocked
const fs = require('fs');
for (const path of ['../../../../etc/passwd', '/app/../etc/passwd', '{{CANARY_FILE}}',
                    '/app/../{{VICTIM_ID}}/workspace/secret.txt', '{{STORAGE_ROOT}}/{{VICTIM_ID}}/workspace/secret.txt']) {
  try {
    console.log('ESCAPED', path, String(fs.readFileSync(path, 'utf8')).slice(0, 40));
  } catch (e) {
    console.log('BLOCKED', path, String(e));
  }
}
for (const dir of ['/', '..', '/app/..', '{{CANARY_DIR}}']) {
  try {
    console.log('ESCAPED', dir, fs.readdirSync(dir).slice(0, 5));
  } catch (e) {
    console.log('BLOCKED', dir, String(e));
  }
}
