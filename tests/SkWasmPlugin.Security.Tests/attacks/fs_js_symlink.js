// attack: JavaScript: create symlinks out of /app (fs.symlinkSync) and follow them
// expect: blocked
const fs = require('fs');
for (const target of ['/', '..', '../..', '/etc/passwd']) {
  try {
    if (!fs.symlinkSync) throw new Error('no symlinkSync');
    fs.symlinkSync(target, '/app/link');
    console.log('ESCAPED symlink to', target, fs.readdirSync('/app/link'));
  } catch (e) {
    console.log('BLOCKED', target, String(e));
  }
}
