// attack: JavaScript: read host environment variables (process.env, std.getenv) for {{ENV_NAME}}
// expect: blocked
const env = (typeof process !== 'undefined' && process.env) || {};
console.log('process.env', JSON.stringify(env));
let viaStd;
try { viaStd = std.getenv('{{ENV_NAME}}'); } catch (e) { viaStd = String(e); }
console.log('std.getenv', viaStd);
console.log(env['{{ENV_NAME}}'] || env.PATH || env.HOME ? 'ESCAPED' : 'BLOCKED no host variables');
