// attack: JavaScript: fetch(), XMLHttpRequest, WebSocket to the internet
// expect: blocked
for (const [name, run] of [
  ['fetch', () => fetch('http://example.com/')],
  ['XMLHttpRequest', () => { const x = new XMLHttpRequest(); x.open('GET', 'http://example.com/'); x.send(); }],
  ['WebSocket', () => new WebSocket('ws://example.com/')],
  ['navigator.sendBeacon', () => navigator.sendBeacon('http://example.com/', 'x')],
]) {
  try {
    run();
    console.log('ESCAPED', name);
  } catch (e) {
    console.log('BLOCKED', name, String(e));
  }
}
