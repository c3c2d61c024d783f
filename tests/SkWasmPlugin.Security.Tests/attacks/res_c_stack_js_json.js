// attack: JavaScript: exhaust the C stack with JSON.parse('['.repeat(200000)) and a deep eval
// expect: outcome=Error|Crashed|MemoryExhausted
try { JSON.parse('['.repeat(200000)); } catch (e) { console.log('parse refused', String(e)); }
eval('['.repeat(200000));
