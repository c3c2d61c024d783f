// attack: JavaScript: block forever on stdin with readline() / readStdin()
// expect: success
// stdout-has: EOF-OK
const all = readStdin();
const line = readline();
console.log((all === '' || all === null) && (line === null || line === undefined) ? 'EOF-OK' : 'unexpected', JSON.stringify(all), JSON.stringify(line));
