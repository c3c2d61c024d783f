// attack: JavaScript: fill memory with small objects (the garbage collector cannot free them)
// expect: memory|outcome=FuelExhausted
const keep = [];
for (let i = 0; ; i++) keep.push({ i, s: 'x' + i });
