// attack: JavaScript: reach host objects via Function('return this')(), eval, constructor chains; read host files with them
// expect: blocked
const g = Function('return this')();
const names = Object.getOwnPropertyNames(g);
console.log('globals:', names.filter(n => !/^[A-Z]/.test(n)).join(','));
for (const name of ['std', 'os', 'process', 'require', 'Deno', 'Bun', '__skwasm']) {
  console.log(name, typeof g[name]);
}
try {
  const fs = g.require && g.require('fs');
  console.log('ESCAPED', fs.readFileSync('/etc/passwd', 'utf8').slice(0, 20));
} catch (e) {
  console.log('BLOCKED', String(e));
}
const ctor = (() => {}).constructor;
try { console.log('ESCAPED', ctor('return std.loadFile("/etc/passwd")')()); } catch (e) { console.log('BLOCKED ctor', String(e)); }
