// attack: JavaScript: spin on Date.now() for a year (2 s timeout and a large fuel budget)
// expect: outcome=TimedOut|FuelExhausted
// limits: timeout=2s fuel=50000000000
// max-seconds: 3
const end = Date.now() + 365 * 24 * 3600 * 1000;
while (Date.now() < end) {}
