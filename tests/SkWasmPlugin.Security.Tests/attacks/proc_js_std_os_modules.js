// attack: JavaScript: import QuickJS's std/os modules (os.exec, std.popen, std.getenviron) as an ES module
// expect: blocked
// mode: module
for (const name of ['std', 'os', 'qjs:std', 'qjs:os', '/etc/passwd', '../../x.js', 'bjson']) {
  try {
    const m = await import(name);
    const keys = Object.keys(m);
    const dangerous = ['exec', 'popen', 'getenviron', 'getenv', 'system', 'kill'].filter(k => keys.includes(k));
    console.log(dangerous.length ? 'ESCAPED' : 'BLOCKED harmless', name, keys.slice(0, 10));
  } catch (e) {
    console.log('BLOCKED', name, String(e));
  }
}
