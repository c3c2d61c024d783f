// attack: JavaScript: catch the interrupt in a loop and keep going
// expect: outcome=FuelExhausted|TimedOut
// limits: fuel=200000000 timeout=5s
// max-seconds: 6
let caught = 0;
for (;;) {
  try { for (;;) {} } catch (e) { caught++; }
}
