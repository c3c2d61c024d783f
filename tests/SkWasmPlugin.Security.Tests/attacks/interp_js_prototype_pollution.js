// attack: JavaScript prototype pollution (Object.prototype, Array.prototype, JSON) that another session or call might inherit
// expect: blocked
Object.prototype.polluted = 1;
Array.prototype.includes = () => true;
JSON.parse = () => ({ polluted: 'json' });
globalThis.injected = 'yes';
console.log('BLOCKED polluted this session only:', ({}).polluted);
//// probe
console.log(({}).polluted === undefined && [1].includes(2) === false && JSON.parse('[1]').length === 1 && typeof injected === 'undefined' ? 'CLEAN' : 'TAINTED');
