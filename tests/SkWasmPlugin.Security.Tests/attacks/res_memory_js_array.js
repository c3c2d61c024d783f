// attack: JavaScript: allocate 16 MB buffers until memory runs out (the cap is 128 MB)
// expect: memory
const keep = [];
for (;;) keep.push(new ArrayBuffer(16 << 20));
