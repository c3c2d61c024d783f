// attack: JavaScript: unbounded recursion (stack overflow)
// expect: outcome=Error
// output-has: stack overflow|Maximum call stack|too much recursion|RangeError|InternalError
function f(n) { return f(n + 1) + 1; }
f(0);
