// attack: JavaScript: exhaust host file descriptors with fs.openSync (or std.open) without closing
// expect: blocked
const fs = require('fs');
fs.writeFileSync('/app/x', 'x');
const held = [];
try {
  if (!fs.openSync) throw new Error('no openSync: nothing to hold open');
  for (let i = 0; i < 100000; i++) held.push(fs.openSync('/app/x', 'r'));
  console.log('ESCAPED holding', held.length);
} catch (e) {
  console.log('BLOCKED after', held.length, String(e));
}
