// attack: JavaScript: Node network modules: require('http'), ('https'), ('net'), ('dgram'), ('dns')
// expect: blocked
for (const name of ['http', 'https', 'net', 'dgram', 'dns', 'tls']) {
  try {
    const m = require(name);
    if (m && (m.get || m.request || m.connect || m.createSocket || m.lookup)) console.log('ESCAPED', name);
    else console.log('BLOCKED', name, 'is empty');
  } catch (e) {
    console.log('BLOCKED', name, String(e));
  }
}
