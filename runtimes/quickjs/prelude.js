// SkWasmPlugin JavaScript guest: the part of the runtime written in JavaScript.
// driver.c evaluates this once (file name <sk-prelude>) and calls the returned function with
// the native helpers; it returns the hooks the driver needs (inspect, timers).
// Everything user-visible that needs value formatting lives here: console, print, timers.
(function (native) {
  'use strict';
  const write = native.write;             // write(fd, string): fwrite to stdout (1) / stderr (2)
  const promiseState = native.promiseState; // promiseState(p) -> [state, result]
  const G = globalThis;

  // Captured built-ins: user code that replaces them must not break printing.
  const getProto = Object.getPrototypeOf;
  const ownKeys = Reflect.ownKeys;
  const getDesc = Object.getOwnPropertyDescriptor;
  const isArray = Array.isArray;
  const objectIs = Object.is;
  const call = Function.prototype.call.bind(Function.prototype.call);
  const toStringTag = (v) => call(Object.prototype.toString, v).slice(8, -1);
  const fnSource = (f) => { try { return call(Function.prototype.toString, f); } catch (e) { return ''; } };
  const isView = ArrayBuffer.isView;
  const JSONstringify = JSON.stringify;
  const StringCtor = String;
  const mathSqrt = Math.sqrt, mathRound = Math.round, mathFloor = Math.floor, mathMin = Math.min, mathMax = Math.max;
  const identRe = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
  const indexRe = /^(0|[1-9][0-9]*)$/;
  const BREAK = 80;
  const MAX_ITEMS = 100;
  const MAX_STRING = 10000;

  function has(obj, cls) { try { return obj instanceof cls; } catch (e) { return false; } }
  function safeString(v) { try { return StringCtor(v); } catch (e) { return '[unprintable]'; } }

  function quote(s) {
    let q = "'";
    if (s.includes("'")) {
      if (!s.includes('"')) q = '"';
      else if (!s.includes('`') && !s.includes('${')) q = '`';
    }
    let out = q;
    for (let i = 0; i < s.length; i++) {
      const ch = s[i];
      const c = s.charCodeAt(i);
      if (ch === q || ch === '\\') out += '\\' + ch;
      else if (ch === '\n') out += '\\n';
      else if (ch === '\t') out += '\\t';
      else if (ch === '\r') out += '\\r';
      else if (ch === '\b') out += '\\b';
      else if (ch === '\f') out += '\\f';
      else if (ch === '\v') out += '\\v';
      else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).toUpperCase().padStart(2, '0');
      else out += ch;
    }
    return out + q;
  }

  function fmtKey(k) {
    if (typeof k === 'symbol') return '[' + safeString(k) + ']';
    return identRe.test(k) ? k : quote(k);
  }

  function ctorName(v) {
    let o = v;
    for (let i = 0; o !== null && i < 100; i++) {
      let d;
      try { d = getDesc(o, 'constructor'); } catch (e) { d = undefined; }
      if (d && typeof d.value === 'function' && typeof d.value.name === 'string' && d.value.name !== '')
        return d.value.name;
      try { o = getProto(o); } catch (e) { return null; }
    }
    return null;
  }

  function fmtPrimitive(v) {
    switch (typeof v) {
      case 'string': return quote(v.length > MAX_STRING ? v.slice(0, MAX_STRING) : v) +
        (v.length > MAX_STRING ? '... ' + (v.length - MAX_STRING) + ' more characters' : '');
      case 'number': return objectIs(v, -0) ? '-0' : StringCtor(v);
      case 'bigint': return StringCtor(v) + 'n';
      case 'boolean': return v ? 'true' : 'false';
      case 'undefined': return 'undefined';
      case 'symbol': return safeString(v);
    }
    return 'null';
  }

  function errorText(e) {
    let name, message, stack;
    try { name = e.name; } catch (x) { }
    try { message = e.message; } catch (x) { }
    try { stack = e.stack; } catch (x) { }
    let head = (name === undefined ? 'Error' : safeString(name));
    if (message !== undefined && message !== '') head += ': ' + safeString(message);
    if (typeof stack === 'string' && stack !== '') head += '\n' + stack.replace(/\n+$/, '');
    return head;
  }

  function fmtFunction(f) {
    const src = fnSource(f);
    let name = '';
    try { name = f.name; } catch (e) { }
    if (typeof name !== 'string') name = '';
    if (/^class[\s{]/.test(src)) {
      let s = '[class ' + (name || '(anonymous)');
      const p = getProto(f);
      if (p && p !== Function.prototype && typeof p.name === 'string' && p.name) s += ' extends ' + p.name;
      return s + ']';
    }
    const tag = toStringTag(f);
    const kind = (tag === 'AsyncFunction' || tag === 'GeneratorFunction' || tag === 'AsyncGeneratorFunction') ? tag : 'Function';
    return '[' + kind + (name ? ': ' + name : ' (anonymous)') + ']';
  }

  // Groups many short array entries into aligned columns (so [1..100] is not 100 lines).
  function groupColumns(out, value, indentLen, hasMore) {
    const n = hasMore ? out.length - 1 : out.length;
    let maxLen = 0, total = 0;
    for (let i = 0; i < n; i++) { const l = out[i].length; total += l + 2; if (l > maxLen) maxLen = l; }
    const cell = maxLen + 2;
    if (cell * 3 + indentLen >= BREAK || !(total / cell > 5 || maxLen <= 6)) return out;
    // about as many rows as columns (a character is ~2.5 times as high as wide), biased
    // towards more columns for short entries
    const bias = mathSqrt(cell - total / n);
    const w = mathMax(cell - 3 - bias, 1);
    const cols = mathMin(mathFloor((BREAK - indentLen) / cell), mathRound(mathSqrt(2.5 * w * n) / w), 15);
    if (cols <= 1) return out;
    let numeric = true;
    for (let i = 0; i < n; i++) {
      const t = typeof value[i];
      if (t !== 'number' && t !== 'bigint') { numeric = false; break; }
    }
    const widths = [];
    for (let c = 0; c < cols; c++) {
      let w = 0;
      for (let j = c; j < n; j += cols) if (out[j].length > w) w = out[j].length;
      widths.push(w);
    }
    const rows = [];
    for (let i = 0; i < n; i += cols) {
      let line = '';
      const end = mathMin(i + cols, n);
      for (let j = i; j < end; j++) {
        const last = j === end - 1;
        const cellText = out[j] + (last ? '' : ',');
        const w = widths[j - i] + (last ? 0 : 1);
        line += numeric ? cellText.padStart(w) : (last ? cellText : cellText.padEnd(w));
        if (!last) line += ' ';
      }
      rows.push(line);
    }
    if (hasMore) rows.push(out[out.length - 1]);
    return rows;
  }

  function join(entries, prefix, open, close, indent, allowGroup, value, hasMore) {
    if (entries.length === 0) return prefix + open + close;
    let grouped = entries;
    if (allowGroup && entries.length > 6) grouped = groupColumns(entries, value, indent.length, hasMore);
    if (grouped === entries) {
      let len = prefix.length + open.length + indent.length + entries.length + 10;
      let multiline = false;
      for (const e of entries) { len += e.length; if (e.includes('\n')) multiline = true; }
      if (!multiline && len <= BREAK) return prefix + open + ' ' + entries.join(', ') + ' ' + close;
    }
    const nl = '\n' + indent;
    return prefix + open + nl + '  ' + grouped.join(',' + nl + '  ') + nl + close;
  }

  function inspect(v, opts) {
    // A primitive needs none of the state below (a Map per call was most of console.log(4)'s cost).
    if ((typeof v !== 'object' && typeof v !== 'function') || v === null) return fmtPrimitive(v);
    const state = { seen: [], refs: new Map(), depth: 2 };
    if (opts && typeof opts === 'object' && 'depth' in opts)
      state.depth = opts.depth === null ? Infinity : opts.depth;
    return fmt(v, state, 0, '');
  }

  function fmt(v, st, level, indent) {
    if ((typeof v !== 'object' && typeof v !== 'function') || v === null) return fmtPrimitive(v);
    if (st.seen.includes(v)) {
      let id = st.refs.get(v);
      if (id === undefined) { id = st.refs.size + 1; st.refs.set(v, id); }
      return '[Circular *' + id + ']';
    }
    let s;
    try {
      s = fmtObject(v, st, level, indent);
    } catch (e) {
      s = '[object ' + toStringTag(v) + ']';
    }
    const id = st.refs.get(v);
    return id === undefined ? s : '<ref *' + id + '> ' + s;
  }

  function fmtObject(v, st, level, indent) {
    const tag = toStringTag(v);
    const cname = ctorName(v);
    let proto = null;
    try { proto = getProto(v); } catch (e) { }
    let prefix = '', open = '{', close = '}', base = '';
    let entries = [];
    let skipKey = null;          // predicate for keys listed already
    let hasMore = false;
    let arrayLike = null;

    if (typeof v === 'function') {
      base = fmtFunction(v);
      skipKey = (k) => k === 'prototype';
    } else if (isArray(v)) {
      open = '['; close = ']';
      if (cname !== 'Array') prefix = (cname || '[Array: null prototype]') + '(' + v.length + ') ';
      arrayLike = v;
    } else if (isView(v) && tag !== 'DataView') {
      open = '['; close = ']';
      prefix = (cname || tag) + '(' + v.length + ') ';
      arrayLike = v;
    } else if (tag === 'ArrayBuffer' || tag === 'SharedArrayBuffer') {
      prefix = (cname || tag) + ' ';
      if (level > st.depth) return '[' + (cname || tag) + ']';
      const bytes = new Uint8Array(v);
      let hex = [];
      for (let i = 0; i < bytes.length && i < 50; i++) hex.push(bytes[i].toString(16).padStart(2, '0'));
      entries.push('[Uint8Contents]: <' + hex.join(' ') + (bytes.length > 50 ? ' ... ' + (bytes.length - 50) + ' more bytes' : '') + '>');
      entries.push('byteLength: ' + v.byteLength);
    } else if (tag === 'Error' || has(v, Error)) {
      base = errorText(v);
      if (level > 0) base = base.split('\n').join('\n' + indent);
      skipKey = (k) => k === 'stack' || k === 'message';
    } else if (tag === 'Date') {
      const t = Date.prototype.getTime.call(v);
      base = t !== t ? 'Invalid Date' : Date.prototype.toISOString.call(v);
    } else if (tag === 'RegExp') {
      base = RegExp.prototype.toString.call(v);
    } else if (tag === 'Map') {
      prefix = (cname || 'Map') + '(' + Map.prototype.__lookupGetter__('size').call(v) + ') ';
      if (level > st.depth) return '[' + (cname || 'Map') + ']';
      st.seen.push(v);
      let i = 0;
      for (const [k, val] of Map.prototype.entries.call(v)) {
        if (i++ >= MAX_ITEMS) { hasMore = true; break; }
        entries.push(fmt(k, st, level + 1, indent + '  ') + ' => ' + fmt(val, st, level + 1, indent + '  '));
      }
      st.seen.pop();
    } else if (tag === 'Set') {
      prefix = (cname || 'Set') + '(' + Set.prototype.__lookupGetter__('size').call(v) + ') ';
      if (level > st.depth) return '[' + (cname || 'Set') + ']';
      st.seen.push(v);
      let i = 0;
      for (const val of Set.prototype.values.call(v)) {
        if (i++ >= MAX_ITEMS) { hasMore = true; break; }
        entries.push(fmt(val, st, level + 1, indent + '  '));
      }
      st.seen.pop();
    } else if (tag === 'WeakMap' || tag === 'WeakSet' || tag === 'WeakRef') {
      return (cname || tag) + ' { <items unknown> }';
    } else if (tag === 'Promise') {
      prefix = (cname || 'Promise') + ' ';
      const r = promiseState(v);
      if (r[0] === 0) entries.push('<pending>');
      else {
        st.seen.push(v);
        entries.push((r[0] === 2 ? '<rejected> ' : '') + fmt(r[1], st, level + 1, indent + '  '));
        st.seen.pop();
      }
    } else if (tag === 'Number' || tag === 'String' || tag === 'Boolean' || tag === 'Symbol' || tag === 'BigInt') {
      let prim;
      try { prim = v.valueOf(); } catch (e) { prim = undefined; }
      base = '[' + tag + ': ' + fmtPrimitive(prim) + ']';
      if (tag === 'String') skipKey = (k) => typeof k === 'string' && (indexRe.test(k) || k === 'length');
    } else if (tag === 'Arguments') {
      open = '['; close = ']'; prefix = '[Arguments] ';
      arrayLike = v;
    } else if (proto === null) {
      prefix = '[Object: null prototype] ';
      if (tag !== 'Object') prefix = '[Object: null prototype] [' + tag + '] ';
    } else {
      if (cname && cname !== 'Object') prefix = cname + ' ';
      else if (!cname) prefix = '';
      if (tag !== 'Object' && tag !== cname) prefix = (cname || 'Object') + ' [' + tag + '] ';
    }

    if (level > st.depth) {
      if (base) return base;
      if (arrayLike) return '[' + (cname || 'Array') + ']';
      return '[' + (cname || 'Object') + ']';
    }

    st.seen.push(v);
    const inner = indent + '  ';
    if (arrayLike) {
      const len = arrayLike.length >>> 0;
      let holes = 0;
      let shown = 0;
      for (let i = 0; i < len; i++) {
        if (shown >= MAX_ITEMS) { hasMore = true; break; }
        if (!(i in arrayLike)) { holes++; continue; }
        if (holes) { entries.push('<' + holes + ' empty item' + (holes > 1 ? 's' : '') + '>'); shown++; holes = 0; }
        entries.push(fmtProp(arrayLike, i, st, level, inner));
        shown++;
      }
      if (holes) entries.push('<' + holes + ' empty item' + (holes > 1 ? 's' : '') + '>');
      if (hasMore) entries.push('... ' + (len - shown) + ' more item' + (len - shown > 1 ? 's' : ''));
      skipKey = (k) => typeof k === 'string' && (indexRe.test(k) || (isView(v) && k === 'length'));
    } else if (hasMore) {
      entries.push('... more items');
    }
    const groupable = arrayLike !== null;
    const elementCount = entries.length;
    let keys = [];
    try { keys = ownKeys(v); } catch (e) { }
    for (const k of keys) {
      if (skipKey && skipKey(k)) continue;
      let d;
      try { d = getDesc(v, k); } catch (e) { continue; }
      if (!d || !d.enumerable) continue;
      if (arrayLike && typeof k === 'string' && k === 'length') continue;
      let valueText;
      if (d.get || d.set) valueText = d.get && d.set ? '[Getter/Setter]' : d.get ? '[Getter]' : '[Setter]';
      else valueText = fmt(d.value, st, level + 1, inner);
      entries.push(fmtKey(k) + ': ' + valueText);
    }
    st.seen.pop();

    if (base) {
      if (entries.length === 0) return base;
      return join(entries, base + ' ', '{', '}', indent, false, null, false);
    }
    const canGroup = groupable && elementCount === entries.length;
    return join(entries, prefix, open, close, indent, canGroup, arrayLike, hasMore);
  }

  function fmtProp(obj, i, st, level, inner) {
    let d;
    try { d = getDesc(obj, i); } catch (e) { d = undefined; }
    if (d && (d.get || d.set)) return d.get && d.set ? '[Getter/Setter]' : d.get ? '[Getter]' : '[Setter]';
    return fmt(d ? d.value : obj[i], st, level + 1, inner);
  }

  // console.log formatting: printf-like directives when the first argument is a string.
  function format(args) {
    let out = '';
    let i = 0;
    if (typeof args[0] === 'string' && args.length > 1 && args[0].includes('%')) {
      const f = args[0];
      i = 1;
      let last = 0;
      for (let p = 0; p < f.length - 1; p++) {
        if (f[p] !== '%') continue;
        const c = f[p + 1];
        let rep;
        if (c === '%') { out += f.slice(last, p) + '%'; last = p + 2; p++; continue; }
        if (i >= args.length) continue;
        const a = args[i];
        switch (c) {
          case 's':
            rep = typeof a === 'string' ? a : (typeof a === 'bigint' ? a + 'n' :
                  (typeof a === 'object' && a !== null) || typeof a === 'function' ? inspect(a, { depth: 1 }) :
                  fmtPrimitive(a));
            break;
          case 'd': case 'i':
            if (typeof a === 'bigint') rep = a + 'n';
            else if (typeof a === 'symbol') rep = 'NaN';
            else { const n = c === 'i' ? parseInt(a) : Number(a); rep = fmtPrimitive(n); }
            break;
          case 'f': rep = typeof a === 'symbol' ? 'NaN' : fmtPrimitive(parseFloat(a)); break;
          case 'j': try { rep = JSONstringify(a); } catch (e) { rep = '[Circular]'; } break;
          case 'o': case 'O': rep = inspect(a, { depth: c === 'o' ? 4 : 2 }); break;
          case 'c': rep = ''; break;
          default: continue;
        }
        out += f.slice(last, p) + rep;
        last = p + 2;
        p++;
        i++;
      }
      out += f.slice(last);
      if (i < args.length) out += ' ';
    }
    for (let first = true; i < args.length; i++, first = false) {
      if (!first) out += ' ';
      const a = args[i];
      out += typeof a === 'string' ? a : inspect(a);
    }
    return out;
  }

  let groupIndent = '';
  function emit(fd, text) {
    if (groupIndent) text = groupIndent + text.split('\n').join('\n' + groupIndent);
    write(fd, text + '\n');
  }
  const counts = new Map();
  const timers = new Map();
  const con = {
    log(...a) { emit(1, format(a)); },
    info(...a) { emit(1, format(a)); },
    debug(...a) { emit(1, format(a)); },
    error(...a) { emit(2, format(a)); },
    warn(...a) { emit(2, format(a)); },
    trace(...a) {
      let stack = '';
      try { throw new Error(); } catch (e) { stack = String(e.stack).split('\n').slice(1).join('\n'); }
      emit(2, 'Trace' + (a.length ? ': ' + format(a) : '') + '\n' + stack.replace(/\n+$/, ''));
    },
    dir(v, opts) { emit(1, inspect(v, opts)); },
    assert(cond, ...a) { if (!cond) emit(2, 'Assertion failed' + (a.length ? ': ' + format(a) : '')); },
    count(label = 'default') { const n = (counts.get(label) || 0) + 1; counts.set(label, n); emit(1, label + ': ' + n); },
    countReset(label = 'default') { counts.delete(label); },
    group(...a) { if (a.length) emit(1, format(a)); groupIndent += '  '; },
    groupEnd() { groupIndent = groupIndent.slice(2); },
    time(label = 'default') { timers.set(label, native.now()); },
    timeLog(label = 'default', ...a) {
      if (!timers.has(label)) return;
      emit(1, label + ': ' + (native.now() - timers.get(label)).toFixed(3) + 'ms' + (a.length ? ' ' + format(a) : ''));
    },
    timeEnd(label = 'default') {
      if (!timers.has(label)) return;
      emit(1, label + ': ' + (native.now() - timers.get(label)).toFixed(3) + 'ms');
      timers.delete(label);
    },
    table(data) { emit(1, inspect(data)); },
  };
  con.groupCollapsed = con.group;

  function define(obj, name, value) {
    Object.defineProperty(obj, name, { value, writable: true, configurable: true, enumerable: false });
  }
  define(G, 'console', con);
  define(G, 'print', function print(...a) { emit(1, format(a)); });
  define(G, 'global', G);
  define(G, 'queueMicrotask', function queueMicrotask(fn) {
    if (typeof fn !== 'function') throw new TypeError('The "callback" argument must be of type function');
    Promise.resolve().then(() => fn());
  });
  define(G, 'performance', { now: () => native.now(), timeOrigin: Date.now() });

  // Timers run on a virtual clock: when no promise job is left the driver fires the earliest
  // timer at once (no real waiting), until none is left. setInterval repeats until cleared.
  let timerSeq = 0, clock = 0;
  const pending = new Map();
  function addTimer(fn, ms, args, repeat) {
    if (typeof fn !== 'function') throw new TypeError('The "callback" argument must be of type function');
    ms = Number(ms);
    if (!(ms >= 1)) ms = 1;
    if (ms > 2147483647) ms = 1;
    const id = ++timerSeq;
    pending.set(id, { id, fn, args, due: clock + ms, ms, repeat, seq: id });
    return id;
  }
  function clearTimer(id) {
    if (id !== null && typeof id === 'object' && typeof id.id === 'number') id = id.id;
    pending.delete(id);
  }
  define(G, 'setTimeout', function setTimeout(fn, ms, ...args) { return addTimer(fn, ms, args, false); });
  define(G, 'setInterval', function setInterval(fn, ms, ...args) { return addTimer(fn, ms, args, true); });
  define(G, 'setImmediate', function setImmediate(fn, ...args) { return addTimer(fn, 0, args, false); });
  define(G, 'clearTimeout', clearTimer);
  define(G, 'clearInterval', clearTimer);
  define(G, 'clearImmediate', clearTimer);

  // the earliest timer as [callback, ...args] (the driver calls it), or null when none is left
  function nextTimer() {
    if (pending.size === 0) return null; // every call asks (driver.c run_jobs): no iterator when there is no timer
    let next = null;
    for (const t of pending.values()) {
      if (next === null || t.due < next.due || (t.due === next.due && t.seq < next.seq)) next = t;
    }
    if (next === null) return null;
    if (next.due > clock) clock = next.due;
    if (next.repeat) { next.due = clock + next.ms; next.seq = ++timerSeq; }
    else pending.delete(next.id);
    return [next.fn, ...next.args];
  }
  function resetTimers() { pending.clear(); groupIndent = ''; }

  // require('sandbox_utils'): file helpers confined to /app, the same set as Python's sandbox_utils.
  // The sandbox already confines the guest to /app; these give clear errors and save typing.
  function makeSandboxUtils(fs) {
    const ROOT = '/app';
    function normalize(path) {
      const out = [];
      for (const part of path.split('/')) {
        if (part === '' || part === '.') continue;
        if (part === '..') out.pop(); else out.push(part);
      }
      return '/' + out.join('/');
    }
    function resolve(path = '.') {
      path = String(path);
      if (path.includes('\0')) throw new Error('path contains a NUL character');
      const full = normalize(path.startsWith('/') ? path : ROOT + '/' + path);
      if (full !== ROOT && !full.startsWith(ROOT + '/')) {
        const e = new Error(`'${path}' is outside the workspace; sandbox_utils works under /app only`);
        e.code = 'EACCES';
        throw e;
      }
      return full;
    }
    const rel = (full) => full === ROOT ? '.' : full.slice(ROOT.length + 1);
    const isDir = (p) => { try { return fs.statSync(p).isDirectory(); } catch (e) { return false; } };
    const lines = (text) => { const l = text.split('\n'); if (l.length && l[l.length - 1] === '') l.pop(); return l; };
    function walk(dir, visit) {
      for (const name of fs.readdirSync(dir).sort()) {
        const p = dir === '/' ? '/' + name : dir + '/' + name;
        const d = isDir(p);
        visit(p, name, d);
        if (d) walk(p, visit);
      }
    }
    function glob(pattern) {
      const rx = '^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$';
      return new RegExp(rx);
    }
    function parseCsv(text, delimiter) {
      const rows = [];
      let row = [], field = '', quoted = false;
      for (let i = 0; i < text.length; i++) {
        const ch = text[i];
        if (quoted) {
          if (ch === '"') { if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false; }
          else field += ch;
        } else if (ch === '"') quoted = true;
        else if (ch === delimiter) { row.push(field); field = ''; }
        else if (ch === '\n' || ch === '\r') {
          if (ch === '\r' && text[i + 1] === '\n') i++;
          row.push(field); field = '';
          if (row.length > 1 || row[0] !== '') rows.push(row);
          row = [];
        } else field += ch;
      }
      if (field !== '' || row.length) { row.push(field); rows.push(row); }
      return rows;
    }
    const utils = {
      resolve: (path) => resolve(path),
      ls(path = '.', showHidden = false) {
        const full = resolve(path);
        return fs.readdirSync(full).filter((n) => showHidden || !n.startsWith('.')).sort()
          .map((n) => isDir(full + '/' + n) ? n + '/' : n);
      },
      cat: (path) => fs.readFileSync(resolve(path), 'utf8'),
      head: (path, n = 10) => lines(fs.readFileSync(resolve(path), 'utf8')).slice(0, n),
      tail: (path, n = 10) => lines(fs.readFileSync(resolve(path), 'utf8')).slice(-n),
      grep(pattern, path = '.', options = {}) {
        const rx = pattern instanceof RegExp ? pattern : new RegExp(pattern, options.ignoreCase ? 'i' : '');
        const full = resolve(path);
        const files = isDir(full) ? utils.find(options.glob || '*', path, true).map((p) => resolve(p)) : [full];
        const hits = [];
        for (const f of files) {
          lines(fs.readFileSync(f, 'utf8')).forEach((line, i) => { if (rx.test(line)) hits.push([rel(f), i + 1, line]); });
        }
        return hits;
      },
      find(pattern = '*', path = '.', filesOnly = false) {
        const rx = glob(pattern), out = [];
        walk(resolve(path), (p, name, d) => { if ((!filesOnly || !d) && rx.test(name)) out.push(rel(p)); });
        return out.sort();
      },
      tree(path = '.', maxDepth = 4) {
        const full = resolve(path), out = [full === ROOT ? '/app' : rel(full)];
        (function visit(dir, prefix, depth) {
          if (depth > maxDepth) return;
          const names = fs.readdirSync(dir).sort();
          names.forEach((name, i) => {
            const last = i === names.length - 1, p = dir + '/' + name, d = isDir(p);
            out.push(prefix + (last ? '└── ' : '├── ') + name + (d ? '/' : ''));
            if (d) visit(p, prefix + (last ? '    ' : '│   '), depth + 1);
          });
        })(full, '', 1);
        return out.join('\n');
      },
      wc(path) {
        const text = fs.readFileSync(resolve(path), 'utf8');
        return { lines: (text.match(/\n/g) || []).length, words: text.split(/\s+/).filter(Boolean).length, chars: text.length, bytes: fs.statSync(resolve(path)).size };
      },
      cp(src, dst) {
        const s = resolve(src);
        let d = resolve(dst);
        if (isDir(d)) d = d + '/' + s.split('/').pop();
        if (isDir(s)) {
          fs.mkdirSync(d, { recursive: true });
          for (const n of fs.readdirSync(s)) utils.cp(rel(s + '/' + n), rel(d + '/' + n));
        } else fs.writeFileSync(d, fs.readFileSync(s, 'utf8'));
        return rel(d);
      },
      mv(src, dst) {
        const s = resolve(src);
        let d = resolve(dst);
        if (isDir(d)) d = d + '/' + s.split('/').pop();
        fs.renameSync(s, d);
        return rel(d);
      },
      rm(path, recursive = false) {
        const full = resolve(path);
        if (full === ROOT) throw new Error('refusing to delete the workspace itself');
        if (isDir(full)) {
          if (!recursive) throw new Error(`'${path}' is a folder; pass recursive = true to delete it`);
          fs.rmSync(full, { recursive: true });
        } else fs.unlinkSync(full);
      },
      mkdir: (path) => { fs.mkdirSync(resolve(path), { recursive: true }); return rel(resolve(path)); },
      replace(path, pattern, replacement) {
        const full = resolve(path);
        const text = fs.readFileSync(full, 'utf8');
        const rx = pattern instanceof RegExp ? pattern : new RegExp(pattern, 'g');
        let n = 0;
        const out = text.replace(rx, (...m) => { n++; return typeof replacement === 'function' ? replacement(...m) : m[0].replace(new RegExp(rx.source, rx.flags.replace('g', '')), replacement); });
        fs.writeFileSync(full, out);
        return n;
      },
      csvToJson(path, out = null, delimiter = ',') {
        const rows = parseCsv(fs.readFileSync(resolve(path), 'utf8'), delimiter);
        const header = rows.shift() || [];
        const records = rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] === undefined ? '' : r[i]])));
        if (out !== null) fs.writeFileSync(resolve(out), JSONstringify(records, null, 2));
        return records;
      },
      jsonPretty(pathOrValue, out = null) {
        let value = pathOrValue;
        if (typeof pathOrValue === 'string') { try { value = JSON.parse(fs.readFileSync(resolve(pathOrValue), 'utf8')); } catch (e) { value = pathOrValue; } }
        const text = JSONstringify(value, null, 2);
        if (out !== null) fs.writeFileSync(resolve(out), text + '\n');
        return text;
      },
    };
    // show(pathOrSvgText): puts an image where the host lists it as shown output, /app/.skwasm/show/NNN.ext
    // (ExecutionResult.Files, shown: true): SVG text, PNG/JPEG/GIF bytes (a typed array or ArrayBuffer), or the
    // path of a PNG, JPEG, GIF or SVG file in /app (copied). Returns undefined. Same as Python's sandbox_utils.show.
    utils.show = function show(what) {
      const bad = () => new TypeError('show() takes SVG text (an <svg> element), PNG/JPEG/GIF bytes, or the path of a PNG, JPEG, GIF or SVG file in /app');
      let ext, data = null, source = null;
      if (typeof what === 'string' && /^\s*</.test(what)) {
        if (!/<svg[\s>]/.test(what)) throw bad();
        ext = 'svg'; data = what;
      } else if (isView(what) || toStringTag(what) === 'ArrayBuffer') {
        const b = isView(what) ? new Uint8Array(what.buffer, what.byteOffset, what.byteLength) : new Uint8Array(what);
        ext = b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4E && b[3] === 0x47 ? 'png'
          : b[0] === 0xFF && b[1] === 0xD8 && b[2] === 0xFF ? 'jpg'
          : b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38 ? 'gif' : null;
        if (ext === null) throw bad();
        data = b;
      } else if (typeof what === 'string') {
        source = resolve(what);
        const m = /\.(png|jpe?g|gif|svg)$/i.exec(source);
        if (!m) throw bad();
        ext = m[1].toLowerCase() === 'jpeg' ? 'jpg' : m[1].toLowerCase();
      } else {
        throw bad();
      }
      const dir = ROOT + '/.skwasm/show';
      fs.mkdirSync(dir, { recursive: true });
      let next = 1;
      for (const name of fs.readdirSync(dir)) {
        const n = /^(\d+)\./.exec(name);
        if (n && +n[1] >= next) next = +n[1] + 1;
      }
      const target = dir + '/' + String(next).padStart(3, '0') + '.' + ext;
      if (source !== null) fs.copyFileSync(source, target); else fs.writeFileSync(target, data);
      return undefined;
    };
    utils.csv_to_json = utils.csvToJson;
    utils.json_pretty = utils.jsonPretty;
    return Object.freeze(utils);
  }
  const sandboxUtils = makeSandboxUtils(G.fs);
  define(G, 'show', sandboxUtils.show);

  // The script's completion value for the report's "result" (driver.c), formatted as console.log does (it shows
  // what JSON cannot: undefined members, Map, Set, cycles, class names) and cut like a Python repr. A promise
  // that settled during the call shows its value, as `await` would in a REPL; one still pending shows as
  // Promise { <pending> }. undefined (declarations, console.log(...)) gives no result.
  function formatResult(v) {
    if (v === undefined) return undefined;
    if (typeof v === 'object' && v !== null && toStringTag(v) === 'Promise') {
      const r = promiseState(v);
      if (r[0] === 1) return formatResult(r[1]);
    }
    // A long string is cut before quoting (as the Python runner does), so the marker counts its own characters.
    const long = typeof v === 'string' && v.length > MAX_STRING;
    const s = long ? quote(v.slice(0, MAX_STRING)) : inspect(v);
    if (s.length <= MAX_STRING) return s;
    let keep = MAX_STRING;
    const c = s.charCodeAt(keep - 1);
    if (c >= 0xd800 && c <= 0xdbff) keep--;
    return s.slice(0, keep) + '\u2026 [' + (long ? v.length - MAX_STRING : s.length - keep) + ' more characters]';
  }

  return { inspect, nextTimer, resetTimers, errorText, sandboxUtils, formatResult };
})
