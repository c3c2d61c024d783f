using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Sandbox.Tests;

/// <summary>Each row is one error situation: the code, and what the guidance must say (type, line, key words of the fix).</summary>
[Collection(SandboxCollection.Name)]
public sealed class GuidanceTests(SandboxFixture fixture)
{
    public static TheoryData<string, string, string, string, int?, string> Situations => new()
    {
        // name, language, code, expected errorType, expected line, a key phrase of the fix
        { "py-name-typo", "py", "count = 3\nprint(cout)", "NameError", 2, "Did you mean 'count'?" },
        { "py-name-module", "py", "print(json.dumps({}))", "NameError", 1, "import json" },
        { "py-unbound-local", "py", "n = 1\ndef f():\n    n += 1\nf()", "UnboundLocalError", 3, "global" },
        { "py-attr-typo", "py", "xs = [1]\nxs.apend(2)", "AttributeError", 2, "'append'" },
        { "py-attr-none", "py", "xs = [3, 1].sort()\nxs.append(1)", "AttributeError", 2, "None" },
        { "py-attr-module", "py", "import math\nprint(math.sqroot(4))", "AttributeError", 2, "'sqrt'" },
        { "py-key", "py", "d = {'apple': 1, 'pear': 2}\nprint(d['banana'])", "KeyError", 2, "'apple'" },
        { "py-index", "py", "xs = [1, 2]\nprint(xs[5])", "IndexError", 2, "len()" },
        { "py-zero", "py", "items = []\navg = 10 / len(items)", "ZeroDivisionError", 2, "divisor" },
        { "py-concat", "py", "age = 3\nprint('age: ' + age)", "TypeError", 2, "str(" },
        { "py-none-subscript", "py", "def f():\n    pass\nprint(f()[0])", "TypeError", 3, "returns a value" },
        { "py-args", "py", "def add(a, b):\n    return a + b\nadd(1)", "TypeError", 3, "parameters" },
        { "py-not-callable", "py", "list = [1]\nprint(list((1, 2)))", "TypeError", 2, "shadow" },
        { "py-not-iterable", "py", "for i in 5:\n    pass", "TypeError", 1, "range(n)" },
        { "py-json-serializable", "py", "import json, datetime\njson.dumps(datetime.date.today())", "TypeError", 2, "default=str" },
        { "py-int-literal", "py", "n = int('3.5')", "ValueError", 1, "float()" },
        { "py-unpack", "py", "a, b = [1, 2, 3]", "ValueError", 1, "*rest" },
        { "py-json-decode", "py", "import json\njson.loads(\"{'a': 1}\")", "JSONDecodeError", 2, "single quotes" },
        { "py-syntax", "py", "def f(:\n    pass", "SyntaxError", 1, "syntax on line 1" },
        { "py-unclosed", "py", "x = [1, 2\nprint(x)", "SyntaxError", 1, "bracket" },
        { "py-indent", "py", "if True:\nprint(1)", "IndentationError", 2, "4 spaces" },
        { "py-recursion", "py", "def f(n):\n    return f(n + 1)\nf(0)", "RecursionError", 2, "base case" },
        { "py-module-unavailable", "py", "import numpy as np", "MissingPackage", 1, "statistics" },
        { "py-module-unknown", "py", "import definitely_not_a_module", "ModuleNotFoundError", 1, "spelling" },
        { "py-import-name", "py", "from json import parse", "ImportError", 1, "does not export" },
        { "py-file-not-found", "py", "open('missing.csv').read()", "FileNotFoundError", 1, "/app" },
        { "py-path-outside", "py", "open('/etc/passwd').read()", "PathRestriction", 1, "/app" },
        { "py-subprocess", "py", "import subprocess\nsubprocess.run(['ls'])", "UnsupportedFeature", 2, "processes" },
        { "py-os-system", "py", "import os\nos.system('ls')", "UnsupportedFeature", 2, "processes" },
        { "py-threads", "py", "import threading\nthreading.Thread(target=print).start()", "UnsupportedFeature", 2, "sequentially" },
        { "py-socket", "py", "import socket\nsocket.socket().connect(('example.com', 80))", "UnsupportedFeature", 2, "network" },
        { "py-assert", "py", "x = 2\nassert x == 3, 'x should be 3'", "AssertionError", 2, "print the values" },
        { "py-stopiteration", "py", "it = iter([])\nnext(it)", "StopIteration", 2, "next(it, None)" },
        { "py-exit", "py", "import sys\nsys.exit(3)", "ExitCode", null, "non-zero" },
        { "py-custom", "py", "class Oops(Exception):\n    pass\nraise Oops('boom')", "Oops", 3, "boom" },
        { "py-fuel", "py", "i = 0\nwhile True:\n    i += 1", "OutOfFuel", null, "loop" },
        { "js-reference", "js", "const total = 1;\nconsole.log(totl);", "ReferenceError", 2, "Did you mean 'total'?" },
        { "js-undefined-prop", "js", "const user = undefined;\nconsole.log(user.name);", "TypeError", 2, "undefined or null" },
        { "js-not-function", "js", "const xs = {};\nxs.map(x => x);", "TypeError", 2, "not a function" },
        { "js-syntax", "js", "let x = ;\n", "SyntaxError", 1, "syntax on line 1" },
        { "js-redeclaration", "js", "let total = 1;\nlet total = 2;", "SyntaxError", 2, "already declared" },
        { "js-stack", "js", "function f(n) { return f(n + 1); }\nf(0);", "RecursionError", 1, "base case" },
        { "js-require", "js", "const _ = require('lodash');", "UnsupportedFeature", 1, "QuickJS" },
        { "js-fetch", "js", "fetch('https://example.com');", "UnsupportedFeature", 1, "network" },
        { "js-node-global", "js", "module.exports = { x: 1 };", "UnsupportedFeature", 1, "Node.js or browser global" },
        { "js-const", "js", "const a = 1;\na = 2;", "TypeError", 2, "let" },
        { "js-throw", "js", "function check(x) {\n  if (x < 0) throw new RangeError('negative');\n}\ncheck(-1);", "RangeError", 2, "negative" },
        { "js-exit", "js", "process.exit(2);", "ExitCode", null, "non-zero" },
    };

    [Theory]
    [MemberData(nameof(Situations))]
    public async Task Guidance_names_the_error_the_line_and_the_fix(string name, string lang, string code, string errorType, int? line, string fixPhrase)
    {
        var limits = errorType == "OutOfFuel" ? new ExecutionLimits { Fuel = 100_000_000 } : null;
        var result = await fixture.Sandbox.ExecuteAsync(new ExecutionRequest(Languages.Parse(lang), code) { Limits = limits });
        Assert.False(result.IsSuccess, name);
        var g = result.Guidance;
        Assert.NotNull(g);
        Assert.True(errorType == g.ErrorType, $"{name}: expected {errorType}, got {g.ErrorType} ({g.Message}); stderr: {result.Stderr}");
        if (line is not null)
        {
            Assert.True(line == g.Line, $"{name}: expected line {line}, got {g.Line}");
            Assert.Equal(code.Split('\n')[line.Value - 1], g.SourceLine);
            Assert.Contains("> " + line, g.CodeFrame);
        }
        Assert.True(g.Fix.Contains(fixPhrase, StringComparison.Ordinal), $"{name}: fix lacks '{fixPhrase}': {g.Fix}");
        Assert.False(string.IsNullOrWhiteSpace(g.Category));
    }

    [Fact]
    public void There_are_at_least_forty_situations() => Assert.True(Situations.Count >= 40);
}
