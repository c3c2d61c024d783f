// attack: JavaScript: process.exit(5) must end the program with exit code 5, not the host
// expect: outcome=Error
// exit-code: 5
console.log('leaving');
process.exit(5);
console.log('unreachable');
