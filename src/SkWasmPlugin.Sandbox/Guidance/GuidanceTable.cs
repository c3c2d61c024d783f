using System.Text.RegularExpressions;
using SkWasmPlugin.Sandbox.Sessions;

namespace SkWasmPlugin.Sandbox.Guidance;

/// <summary>What a guidance rule sees.</summary>
internal sealed record GuidanceContext(
    Language Language,
    ExecutionOutcome Outcome,
    GuestError? Error,
    string Stderr,
    string? LimitMessage,
    EffectiveLimits Limits,
    PackageCatalog Packages)
{
    public string Type => Error?.Type ?? "";
    public string Message => Error?.Message ?? "";
    public bool Is(string type) => string.Equals(Type, type, StringComparison.Ordinal);
    public bool Says(string text) => Message.Contains(text, StringComparison.OrdinalIgnoreCase);
}

/// <summary>One row: when it applies, what to call the error, its category, and the fix.</summary>
internal sealed record GuidanceRule(
    string Name,
    Func<GuidanceContext, bool> Applies,
    string Category,
    Func<GuidanceContext, string> Fix,
    Func<GuidanceContext, string>? ErrorType = null);

/// <summary>
/// Every piece of guidance text, in one table. Rules are tried in order; the first that applies wins.
/// Rules derive their facts from the guest's structured report (type, names, keys, module, errno), not
/// from the free-text message alone.
/// </summary>
internal static partial class GuidanceTable
{
    private static readonly HashSet<string> PythonStdlibModules =
    [
        "json", "math", "re", "os", "sys", "csv", "datetime", "time", "random", "collections", "itertools", "functools",
        "statistics", "decimal", "fractions", "string", "textwrap", "pathlib", "io", "hashlib", "base64", "zlib", "heapq",
        "bisect", "operator", "copy", "pprint", "typing", "dataclasses", "enum", "uuid", "struct", "sqlite3",
    ];

    private static readonly HashSet<string> UnavailablePython =
    [
        "numpy", "pandas", "scipy", "matplotlib", "requests", "sklearn", "torch", "tensorflow", "httpx", "aiohttp",
        "lxml", "PIL", "cv2", "seaborn", "plotly", "polars", "pyarrow", "urllib3", "keras", "statsmodels", "bokeh",
    ];

    /// <summary>What the Python runner's socket functions raise (runtimes/python/_skwasm.py).</summary>
    private const string NetworkDisabled = "network access is disabled in the sandbox";

    private const string Charts = "draw the chart as SVG with pygal (pygal.Bar(), .Line(), .Pie(); chart.render_to_file('/app/chart.svg')) or svgwrite";
    private const string NoNetwork = "there is no network in the sandbox; read input from /app files or stdin";
    private const string NoMachineLearning = "there are no machine-learning libraries; write the algorithm in plain Python with math and statistics (or sympy for the maths)";

    private static readonly Dictionary<string, string> StdlibAlternatives = new(StringComparer.Ordinal)
    {
        ["numpy"] = "use lists with the math and statistics modules (sympy.Matrix for linear algebra)",
        ["pandas"] = "use the csv module with lists of dicts and statistics (sqlite3 for grouping and joins; tabulate or prettytable to show a table)",
        ["polars"] = "use the csv module with lists of dicts and statistics (sqlite3 for grouping and joins)",
        ["pyarrow"] = "use the csv or json modules",
        ["scipy"] = "use math, statistics and fractions; sympy and mpmath for symbolic and high-precision maths",
        ["statsmodels"] = "use the statistics module (mean, stdev, linear_regression, correlation)",
        ["matplotlib"] = Charts,
        ["seaborn"] = Charts,
        ["plotly"] = Charts,
        ["bokeh"] = Charts,
        ["PIL"] = "there is no image library; " + Charts,
        ["cv2"] = "there is no image library; " + Charts,
        ["requests"] = NoNetwork,
        ["httpx"] = NoNetwork,
        ["aiohttp"] = NoNetwork,
        ["urllib3"] = NoNetwork,
        ["sklearn"] = NoMachineLearning,
        ["torch"] = NoMachineLearning,
        ["tensorflow"] = NoMachineLearning,
        ["keras"] = NoMachineLearning,
        ["lxml"] = "use xml.etree.ElementTree, or beautifulsoup4 / html5lib (vendored) for HTML",
    };

    public static IReadOnlyList<GuidanceRule> Rules { get; } =
    [
        // ---- limits (our own kinds) ----
        new("fuel", c => c.Outcome == ExecutionOutcome.FuelExhausted, "resource",
            c => (c.Error?.Line is { } line
                    ? $"The budget ran out while line {line} was running; if that is a loop, make sure it ends (check its condition and that it changes each pass). "
                    : "The budget ran out before the program finished; look for a loop that never ends. ")
                + "If the work is genuinely large, ask for the suggested budget in fuelAnalysis.",
            _ => "OutOfFuel"),
        new("timeout", c => c.Outcome == ExecutionOutcome.TimedOut, "resource",
            c => (c.Error?.Line is { } line ? $"Line {line} was still running at the time limit. " : "")
                + $"Remove sleeps and waits (nothing outside the sandbox will answer), bound every loop, or ask for more than {c.Limits.Timeout.TotalSeconds:0.###} s.",
            _ => "Timeout"),
        new("memory", c => c.Outcome == ExecutionOutcome.MemoryExhausted || c.Is("MemoryError")
                || (c.Is("InternalError") && c.Says("out of memory")), "resource",
            c => $"The program needed more than {c.Limits.MemoryBytes / (1024 * 1024)} MB. Process data in chunks or streams instead of building it all in memory, "
                + "use generators, or ask for a larger memory limit if the data truly needs it.",
            _ => "MemoryExhausted"),
        new("output", c => c.Outcome == ExecutionOutcome.OutputLimitExceeded, "resource",
            c => $"The program printed more than {c.Limits.MaxStdoutBytes:N0} bytes. Print a summary (counts, the first rows) instead of everything, or write the full result to a file in /app.",
            _ => "OutputLimit"),
        new("cancelled", c => c.Outcome == ExecutionOutcome.Cancelled, "sandbox",
            _ => "The caller cancelled the run; run it again if the result is still needed.", _ => "Cancelled"),
        new("crash-stack", c => c.Outcome == ExecutionOutcome.Crashed && (c.LimitMessage ?? "").Contains("stack", StringComparison.OrdinalIgnoreCase), "resource",
            _ => "The interpreter ran out of native stack: recursion is far too deep. Rewrite the recursion as a loop with an explicit stack.",
            _ => "StackExhausted"),
        new("crash", c => c.Outcome == ExecutionOutcome.Crashed, "sandbox",
            _ => "The interpreter stopped abnormally. Simplify the failing part (very deep nesting, huge literals) and run again; session state was restored.",
            _ => "InterpreterCrash"),

        // ---- sandbox boundaries ----
        new("quota", c => c.Error?.Errno is "ENOSPC" or "EDQUOT" || (c.Is("OSError") && (c.Says("No space left") || c.Says("quota"))), "sandbox",
            _ => "The workspace is full (its byte or file quota is reached). Delete files you no longer need in /app, write less data, or keep results in memory.",
            _ => "QuotaExceeded"),
        new("path", c => c.Error?.Errno is "ENOTCAPABLE" || c.Says("Capabilities insufficient")
                || (c.Is("PermissionError") && (c.Error?.Path?.StartsWith("/data", StringComparison.Ordinal) ?? false)), "sandbox",
            c => (c.Error?.Path is { } p ? $"'{p}' is outside what the sandbox can reach. " : "That path is outside what the sandbox can reach. ")
                + "Only /app (read-write, the working directory) and /data (read-only) exist; read and write files under /app.",
            _ => "PathRestriction"),
        new("subprocess", c => (c.Is("OSError") && c.Says("processes")) || (c.Is("AttributeError") && c.Error?.MissingName is "system" or "fork" or "execv" or "execve" or "popen" or "spawnv" or "kill" or "forkpty"), "sandbox",
            _ => "The sandbox cannot start processes (no subprocess, os.system, fork or exec). Do the work in Python itself.",
            _ => "UnsupportedFeature"),
        new("threads", c => c.Says("can't start new thread") || (c.Is("ModuleNotFoundError") && c.Error?.MissingModule is "_thread" or "_multiprocessing" or "multiprocessing" or "concurrent"), "sandbox",
            _ => "Threads and processes are not available in the sandbox. Run the work sequentially (a plain loop).",
            _ => "UnsupportedFeature"),
        new("network", c => (c.Is("OSError") && c.Error?.Errno is "ENOTSUP" or "ENOSYS" && c.Stderr.Contains("socket", StringComparison.Ordinal))
                || c.Says(NetworkDisabled) || (c.Is("URLError") && (c.Says("unknown url type") || c.Says("network")))
                || c.Is("gaierror") || c.Is("ConnectionRefusedError")
                || c.Error?.MissingModule is "_socket" or "_ssl" or "ssl" or "urllib" or "http" or "socket"
                || (c.Language == Language.JavaScript && c.Error?.MissingName is "fetch" or "XMLHttpRequest" or "WebSocket"), "sandbox",
            _ => "There is no network in the sandbox (no sockets, HTTP, DNS or fetch). Work on data passed in stdin or files in /app.",
            _ => "UnsupportedFeature"),
        new("ctypes", c => c.Error?.MissingModule is "ctypes" or "_ctypes", "sandbox",
            _ => "ctypes (native code) cannot run in the sandbox. Use pure Python.", _ => "UnsupportedFeature"),
        new("js-require", c => c.Language == Language.JavaScript && (c.Error?.MissingModule is not null || c.Error?.Code == "MODULE_NOT_FOUND"), "sandbox",
            c => $"Node.js module '{c.Error?.MissingModule}' is not available: the sandbox runs plain JavaScript (QuickJS) with console, readline()/readStdin() for input and require('fs') for files in /app. Write the logic yourself.",
            _ => "UnsupportedFeature"),
        new("js-node-globals", c => c.Language == Language.JavaScript && c.Is("ReferenceError") && c.Error?.MissingName is "module" or "exports" or "__dirname" or "__filename" or "Buffer" or "setTimeout" or "setInterval" or "setImmediate", "sandbox",
            c => $"'{c.Error?.MissingName}' is a Node.js or browser global that the sandbox does not provide. Use plain JavaScript: console.log for output, readStdin() for input, and run code directly instead of scheduling it.",
            _ => "UnsupportedFeature"),

        // ---- Python ----
        new("py-missing-package", c => c.Language == Language.Python && c.Is("ModuleNotFoundError") && c.Error?.MissingModule is { } m && c.Packages.ProviderOf(m) is not null, "import",
            c => $"'{c.Error!.MissingModule}' is vendored and importable in every run from /data/site-packages/{c.Packages.ProviderOf(c.Error.MissingModule!)}, "
                + $"but that folder is no longer on sys.path (the code changed it): keep sys.path as it was, or run sys.path.append('/data/site-packages/{c.Packages.ProviderOf(c.Error.MissingModule!)}') before the import.",
            _ => "MissingPackage"),
        new("py-unavailable-package", c => c.Language == Language.Python && c.Is("ModuleNotFoundError") && UnavailablePython.Contains(TopModule(c.Error?.MissingModule)), "import",
            c => $"'{TopModule(c.Error?.MissingModule)}' is not available in the sandbox (no compiled extensions, no network to install). "
                + (StdlibAlternatives.TryGetValue(TopModule(c.Error?.MissingModule), out var alt) ? Capitalize(alt) + "." : "Use the standard library.")
                + AvailableList(c),
            _ => "MissingPackage"),
        new("py-no-module", c => c.Language == Language.Python && c.Is("ModuleNotFoundError"), "import",
            c => $"There is no module '{c.Error?.MissingModule}'. Check the spelling; only the standard library"
                + (c.Packages.Names.Count > 0 ? " and the vendored packages" : "") + " can be imported." + AvailableList(c),
            _ => "ModuleNotFoundError"),
        new("py-import-name", c => c.Language == Language.Python && c.Is("ImportError"), "import",
            c => $"The module exists but does not export what the import asks for ({c.Message}). Check the name and the module's documentation."),
        new("py-indentation", c => c.Is("IndentationError") || c.Is("TabError"), "syntax",
            c => $"Fix the indentation on line {c.Error?.Line}: {c.Message}. Indent every block with 4 spaces, never mixing tabs and spaces."),
        new("py-syntax", c => c.Language == Language.Python && c.Is("SyntaxError"), "syntax",
            c => $"Fix the syntax on line {c.Error?.Line}: {c.Message}. Check for unbalanced brackets or quotes, a missing ':' after if/for/def, or a stray character."
                + (c.Says("was never closed") ? " Close the bracket that was opened." : "")),
        new("py-unbound", c => c.Is("UnboundLocalError"), "name",
            c => $"'{c.Error?.MissingName ?? Quoted(c.Message)}' is assigned inside the function, so Python treats it as local there; it is read before that assignment. Pass it in as a parameter, or declare it 'global' (or 'nonlocal') first."),
        new("py-name-module", c => c.Language == Language.Python && c.Is("NameError") && PythonStdlibModules.Contains(c.Error?.MissingName ?? ""), "name",
            c => $"'{c.Error!.MissingName}' is a module that was not imported: add 'import {c.Error.MissingName}' at the top."),
        new("py-name", c => c.Language == Language.Python && c.Is("NameError"), "name",
            c => $"'{c.Error?.MissingName}' is not defined at line {c.Error?.Line}." + DidYouMean(c) + " Define it (or import it) before it is used, or fix the spelling."),
        new("py-attr-none", c => c.Is("AttributeError") && c.Says("'NoneType' object"), "type",
            c => $"A value on line {c.Error?.Line} is None, so it has no '{c.Error?.MissingName}'. A function probably returned None (e.g. list.sort() or a missing return); check what produced it."),
        new("py-attr-module", c => c.Is("AttributeError") && c.Says("module '"), "name",
            c => $"The module has no attribute '{c.Error?.MissingName}'." + DidYouMean(c) + " Check the function name in the module's documentation."),
        new("py-attr", c => c.Is("AttributeError"), "type",
            c => $"The object has no attribute '{c.Error?.MissingName}'." + DidYouMean(c) + " Check the object's type (print(type(x))) and the method name."),
        new("py-key", c => c.Is("KeyError"), "lookup",
            c => $"Key {c.Error?.MissingKey ?? c.Message} is not in the mapping."
                + (c.Error?.AvailableKeys is { Count: > 0 } keys ? $" Keys that exist: {string.Join(", ", keys.Take(15))}." : "")
                + " Use the right key, or d.get(key, default) / 'if key in d' when it may be missing."),
        new("py-index", c => c.Is("IndexError"), "lookup",
            c => $"An index on line {c.Error?.Line} is past the end of the sequence ({c.Message}). Check len() first, iterate with 'for item in seq', or use seq[-1] for the last item."),
        new("py-zero", c => c.Is("ZeroDivisionError"), "value",
            c => $"Line {c.Error?.Line} divides by zero. Guard the divisor (if d != 0) or handle the empty case (e.g. no items to average)."),
        new("py-type-concat", c => c.Language == Language.Python && c.Is("TypeError") && (c.Says("can only concatenate str") || c.Says("unsupported operand type")), "type",
            c => $"Line {c.Error?.Line} combines incompatible types ({c.Message}). Convert explicitly: str(n) to build text, int(s) or float(s) to do arithmetic."),
        new("py-type-none-sub", c => c.Is("TypeError") && c.Says("'NoneType' object is not"), "type",
            c => $"A value on line {c.Error?.Line} is None ({c.Message}). Check the function that produced it returns a value."),
        new("py-type-args", c => c.Is("TypeError") && (c.Says("positional argument") || c.Says("keyword argument")), "type",
            c => $"A call on line {c.Error?.Line} has the wrong arguments ({c.Message}). Match the function's parameters."),
        new("py-type-callable", c => c.Is("TypeError") && c.Says("is not callable"), "type",
            c => $"Line {c.Error?.Line} calls something that is not a function ({c.Message}). A variable may shadow a function of the same name (e.g. 'list = ...'); rename it."),
        new("py-type-iter", c => c.Is("TypeError") && c.Says("not iterable"), "type",
            c => $"Line {c.Error?.Line} loops over a value that is not a sequence ({c.Message}). Use range(n) for numbers, or check the value's type."),
        new("py-type-json", c => c.Is("TypeError") && c.Says("is not JSON serializable"), "type",
            _ => "json.dumps cannot encode that value. Convert it first (str() for dates and decimals, list() for sets) or pass default=str."),
        new("py-type", c => c.Language == Language.Python && c.Is("TypeError"), "type",
            c => $"A value on line {c.Error?.Line} has the wrong type ({c.Message}). Print type(x) of the values involved and convert where needed."),
        new("py-int-literal", c => c.Is("ValueError") && c.Says("invalid literal for int()"), "value",
            c => $"int() got text that is not a whole number on line {c.Error?.Line} ({c.Message}). Strip whitespace, use float() for decimals, or skip values that are not numbers."),
        new("py-unpack", c => c.Is("ValueError") && (c.Says("too many values to unpack") || c.Says("not enough values to unpack")), "value",
            c => $"Line {c.Error?.Line} unpacks into the wrong number of names ({c.Message}). Match the number of variables to the items, or use *rest."),
        new("py-json-decode", c => c.Is("JSONDecodeError"), "value",
            c => $"The text is not valid JSON ({c.Message}). Print the raw text first; check for single quotes, trailing commas or an empty input."),
        new("py-value", c => c.Is("ValueError"), "value",
            c => $"A value on line {c.Error?.Line} is of the right type but not acceptable ({c.Message}). Validate or clean the input before using it."),
        new("py-recursion", c => c.Is("RecursionError"), "resource",
            c => $"The recursion on line {c.Error?.Line} never reaches its base case or goes too deep. Check the base case, or rewrite it as a loop.",
            _ => "RecursionError"),
        new("py-file-not-found", c => c.Is("FileNotFoundError"), "io",
            c => $"No file '{c.Error?.Path}'. Files live in /app (the working directory): list them with os.listdir('/app'), and write the file before reading it."),
        new("py-is-dir", c => c.Is("IsADirectoryError") || c.Is("NotADirectoryError"), "io",
            c => $"'{c.Error?.Path}' is a folder where a file was expected (or the other way round). Check the path."),
        new("py-file-exists", c => c.Is("FileExistsError"), "io",
            c => $"'{c.Error?.Path}' already exists. Use exist_ok=True for os.makedirs, or remove the file first."),
        new("py-unicode", c => c.Is("UnicodeDecodeError") || c.Is("UnicodeEncodeError"), "value",
            _ => "Text is not in the expected encoding. Open files with encoding='utf-8' (add errors='replace' for unknown bytes), or read bytes with 'rb'."),
        new("py-assert", c => c.Is("AssertionError"), "value",
            c => $"The assertion on line {c.Error?.Line} failed{(c.Message.Length > 0 ? $" ({c.Message})" : "")}. The code computed something other than expected: print the values it checks."),
        new("py-stopiteration", c => c.Is("StopIteration"), "value",
            c => $"next() on line {c.Error?.Line} was called on an exhausted iterator. Pass a default: next(it, None)."),
        new("py-address-space", c => c.Is("OverflowError") && (c.Says("index-sized integer") || c.Says("too large") || c.Says("cannot allocate"))
                || (c.Is("MemoryError") && c.Outcome == ExecutionOutcome.Error), "resource",
            c => $"The object made on line {c.Error?.Line} does not fit: the sandbox is a 32-bit machine (one object at most 2 GB) and this call may use "
                + $"{c.Limits.MemoryBytes / (1024 * 1024)} MB of memory in all. Work on the data in pieces (read a file in chunks, aggregate as you go) "
                + "instead of building it whole; a larger memory limit helps only up to the host's maximum.",
            _ => "MemoryLimit"),
        new("py-overflow", c => c.Is("OverflowError"), "value",
            c => $"A number on line {c.Error?.Line} is too large for the operation ({c.Message}). Use integers (unbounded) or decimal.Decimal instead of float."),
        new("py-not-implemented", c => c.Is("NotImplementedError"), "runtime",
            c => $"Line {c.Error?.Line} reached code marked as not implemented. Implement that method."),
        new("py-exit", c => c.Error is null && c.Outcome == ExecutionOutcome.Error, "runtime",
            _ => "The program exited with a non-zero status (sys.exit / process.exit). If that was not meant as a failure, exit with 0 or just let the program end.",
            _ => "ExitCode"),

        // ---- JavaScript ----
        new("js-redeclaration", c => c.Language == Language.JavaScript && c.Is("SyntaxError") && (c.Says("redeclaration of") || c.Says("redefinition of lexical")), "name",
            c => (c.Says("redeclaration of") ? $"'{Quoted(c.Message)}' is" : $"A name on line {c.Error?.Line} is")
                + " already declared — in this program or by an earlier call in the same session (const and let cannot be declared twice). "
                + "Reuse the existing binding, assign to it without const/let, or declare it with var."),
        new("js-syntax", c => c.Language == Language.JavaScript && c.Is("SyntaxError"), "syntax",
            c => $"Fix the syntax on line {c.Error?.Line}: {c.Message}. Check brackets, quotes and commas; TypeScript type annotations are not JavaScript."
                + (c.Says("import") || c.Says("export") ? " import/export need ES-module mode (module: true)." : "")),
        new("js-reference", c => c.Language == Language.JavaScript && c.Is("ReferenceError"), "name",
            c => $"'{c.Error?.MissingName}' is not defined at line {c.Error?.Line}." + DidYouMean(c) + " Declare it (let/const/function) before using it, or fix the spelling."),
        new("js-undefined-prop", c => c.Language == Language.JavaScript && c.Is("TypeError") && (c.Says("cannot read property") || c.Says("of undefined") || c.Says("of null")), "type",
            c => $"A value on line {c.Error?.Line} is undefined or null ({c.Message}). Check it exists before using it (if (x) …, or x?.prop)."),
        new("js-not-function", c => c.Language == Language.JavaScript && c.Is("TypeError") && c.Says("not a function"), "type",
            c => $"Line {c.Error?.Line} calls something that is not a function ({c.Message}). Check the method name and the object's type (e.g. arrays have map/filter; objects need Object.keys first)."),
        new("js-const", c => c.Language == Language.JavaScript && c.Is("TypeError") && (c.Says("read-only") || c.Says("const")), "type",
            c => $"Line {c.Error?.Line} assigns to a constant. Declare it with let if it must change."),
        new("js-type", c => c.Language == Language.JavaScript && c.Is("TypeError"), "type",
            c => $"A value on line {c.Error?.Line} has the wrong type ({c.Message}). Log typeof of the values involved and convert where needed."),
        new("js-stack", c => c.Language == Language.JavaScript && (c.Is("RangeError") || c.Is("InternalError")) && (c.Says("stack") || c.Says("recursion")), "resource",
            c => $"The recursion on line {c.Error?.Line} goes too deep or never ends. Check the base case, or rewrite it as a loop.",
            _ => "RecursionError"),
        new("js-range", c => c.Language == Language.JavaScript && c.Is("RangeError"), "value",
            c => $"A value on line {c.Error?.Line} is out of range ({c.Message}). Check array lengths, toFixed/precision arguments and numeric limits."),
        new("js-uri", c => c.Is("URIError"), "value",
            _ => "A URI function got malformed input. Check the string passed to decodeURIComponent/encodeURI."),
        new("js-interrupted", c => c.Language == Language.JavaScript && c.Is("InternalError") && c.Says("interrupted"), "resource",
            _ => "The program was stopped by the sandbox. Make sure every loop ends.", _ => "Interrupted"),
        new("js-thrown", c => c.Language == Language.JavaScript && c.Error is not null, "runtime",
            c => $"The program threw {c.Type}: {c.Message} (line {c.Error?.Line}). Handle that case or fix the condition that triggers it."),

        // ---- anything else ----
        new("other", _ => true, "runtime",
            c => $"The program raised {c.Type}: {c.Message}{(c.Error?.Line is { } l ? $" on line {l}" : "")}. Read the message, fix the cause, and run again."),
    ];

    private static string TopModule(string? module) => (module ?? "").Split('.')[0];

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    private static string Quoted(string message) => QuotedName().Match(message) is { Success: true } m ? m.Groups[1].Value : "the variable";

    [GeneratedRegex("'([^']+)'")]
    private static partial Regex QuotedName();

    private static string AvailableList(GuidanceContext c) =>
        c.Packages.Names.Count > 0 ? $" Vendored packages: {string.Join(", ", c.Packages.Names)}." : "";

    /// <summary>" Did you mean 'count'?" from the guest's candidate names, closest first.</summary>
    private static string DidYouMean(GuidanceContext c)
    {
        var missing = c.Error?.MissingName;
        var candidates = c.Error?.Candidates;
        if (string.IsNullOrEmpty(missing) || candidates is null || candidates.Count == 0) return "";
        var close = NameSimilarity.Closest(missing, candidates, 3);
        return close.Count == 0 ? "" : $" Did you mean {string.Join(" or ", close.Select(n => $"'{n}'"))}?";
    }
}
