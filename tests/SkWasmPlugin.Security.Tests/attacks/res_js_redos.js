// attack: JavaScript: catastrophic regex backtracking (ReDoS)
// expect: outcome=FuelExhausted|TimedOut
// limits: fuel=500000000 timeout=3s
// max-seconds: 5
console.log(/^(a+)+$/.test('a'.repeat(40) + 'b'));
