// attack: JavaScript: print a megabyte forever
// expect: outcome=OutputLimitExceeded
// stdout-max: 2097152
const line = 'y'.repeat(1024 * 1024);
for (;;) console.log(line);
