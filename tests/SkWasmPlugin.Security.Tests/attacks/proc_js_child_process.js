// attack: JavaScript: start host processes via require('child_process'), require('os'), QuickJS os.exec
// expect: blocked
for (const name of ['child_process', 'os', 'worker_threads', 'cluster', 'vm']) {
  try {
    const m = require(name);
    const run = m && (m.execSync || m.exec || m.spawnSync);
    if (run) { run('id'); console.log('ESCAPED', name); } else console.log('BLOCKED', name, 'has no exec');
  } catch (e) {
    console.log('BLOCKED', name, String(e));
  }
}
console.log('globals', typeof globalThis.os, typeof globalThis.std, typeof globalThis.scriptArgs);
if (typeof os !== 'undefined' && os.exec) { try { os.exec(['id']); console.log('ESCAPED os.exec'); } catch (e) { console.log('BLOCKED os.exec', String(e)); } }
