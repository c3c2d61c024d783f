// attack: JavaScript: look for another session's variables (the victim session defines `secret`)
// expect: blocked
const needle = ['SKWASM', 'CANARY'].join('-'); // built at run time so the source itself holds no match
let leak = null;
try { leak = secret; } catch (e) { console.log('no secret binding:', String(e)); }
for (const name of Object.getOwnPropertyNames(globalThis)) {
  try { if (name !== 'needle' && String(globalThis[name]).includes(needle)) leak = name; } catch (e) {}
}
console.log(leak ? 'ESCAPED ' + leak : 'BLOCKED nothing found');
