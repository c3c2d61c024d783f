// attack: JavaScript busy loop forever (stopped by the fuel meter)
// expect: outcome=FuelExhausted
// limits: fuel=200000000
let x = 0;
for (;;) { x++; }
