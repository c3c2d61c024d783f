// attack: JavaScript: double a string until it cannot grow
// expect: memory|outcome=Error
let s = 'ab';
for (;;) s += s;
