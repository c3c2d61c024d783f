using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.AI;

/// <summary>
/// Every tool name, description and parameter description, written for a model, in one place: the
/// M.E.AI functions, the Semantic Kernel plugin and the MCP tools all read them from here.
/// </summary>
public static class ToolDescriptions
{
    public const string ExecutePythonName = "execute_python";
    public const string ExecutePython =
        "Run Python " + Languages.PythonVersion + " code in an isolated sandbox and return JSON with outcome, stdout, stderr, and, when it fails, " +
        "guidance {errorType, line, sourceLine, fix} and fuelAnalysis {status, suggestedBudget}. Standard library only " +
        "(json, csv, re, math, statistics, datetime, sqlite3, decimal, …) plus these packages, importable in every run: " + VendoredPackages + "; " +
        "no numpy, pandas or matplotlib (use csv + statistics, and pygal for SVG charts); " +
        "no network, threads or subprocesses. Print what you want to see. Files live in /app (the working directory). " +
        "With a sessionId, variables, functions and imports persist between calls like a notebook.";

    public const string ExecuteJavaScriptName = "execute_javascript";
    public const string ExecuteJavaScript =
        "Run JavaScript (ES2023, QuickJS) in an isolated sandbox and return JSON with outcome, stdout, stderr, guidance and " +
        "fuelAnalysis. console.log prints; readStdin() and readline() read the input; require('fs') reads and writes files " +
        "in /app. No Node.js modules, network or timers. With a sessionId, global declarations persist between calls.";

    public const string ExecuteCodeName = "execute_code";
    public const string ExecuteCode =
        "Run Python or JavaScript code in an isolated sandbox and return JSON with outcome, stdout, stderr, and on failure " +
        "guidance {errorType, line, fix} and fuelAnalysis {status, suggestedBudget}. No network. Files live in /app.";

    public const string CreateSessionName = "create_session";
    public const string CreateSession =
        "Create a sandbox session: a workspace at /app and interpreter state that persist across calls. Returns {sessionId}. " +
        "Pass the sessionId to the other tools.";

    public const string DestroySessionName = "destroy_session";
    public const string DestroySession = "Delete a session, its state and its files.";

    public const string ResetSessionName = "reset_session";
    public const string ResetSession = "Forget a session's variables and imports (a fresh interpreter); optionally delete its files too.";

    public const string ListFilesName = "list_files";
    public const string ListFiles = "List the files in a session's /app workspace with sizes and modification times.";

    public const string ReadFileName = "read_file";
    public const string ReadFile =
        "Read a file from a session's /app workspace (paths relative to /app): text comes back as text (the head of a large " +
        "file), any other file as base64 with its mediaType.";

    public const string WriteFileName = "write_file";
    public const string WriteFile =
        "Write a file into a session's /app workspace (folders are created), e.g. data for the code to process: text, or " +
        "any bytes with encoding 'base64'.";

    public const string WorkspaceInfoName = "get_workspace_info";
    public const string WorkspaceInfo =
        "Describe a session: files and sizes, quota use, installed packages, and the variable names earlier calls defined.";

    public const string InstallPackageName = "install_package";
    public const string InstallPackage =
        "Check that a vendored pure-Python package is available and list what it brings (every vendored package is already " +
        "importable in every run; there is no network, so only these exist: " + VendoredPackages + "). Unknown names return the list.";

    /// <summary>The vendored Python packages (runtimes/data/packages.json; a test keeps this list equal to it).</summary>
    public const string VendoredPackages =
        "attrs, beautifulsoup4 (bs4), chardet, defusedxml, docutils, et_xmlfile, html5lib, idna, jinja2, jsonschema, markdown, " +
        "markupsafe, mpmath, networkx, odfpy (odf), openpyxl, pkg_resources, prettytable, pygal, pygments, pypdf, pypdf2 (PyPDF2), " +
        "pyrsistent, python-dateutil (dateutil), pytz, pyyaml (yaml), roman, segno, six, soupsieve, sqlparse, svgwrite, sympy, " +
        "tabulate, texttable, toml, tomli, unidecode, wcwidth, webencodings, xlrd, xlsxwriter";

    public const string ListRuntimesName = "list_runtimes";
    public const string ListRuntimes = "List the sandbox's languages and versions, default and maximum limits, and the vendored Python packages.";

    // Parameters
    public const string CodeParameter = "The complete program to run. Print results to stdout; do not wrap the code in Markdown.";
    public const string LanguageParameter = "The language: 'python' or 'javascript'.";
    public const string SessionIdParameter = "Optional session id from create_session; omit for a fresh, isolated run.";
    public const string RequiredSessionIdParameter = "The session id returned by create_session.";
    public const string StdinParameter = "Optional text given to the program as standard input.";
    public const string FuelParameter = "Optional instruction budget; raise it to fuelAnalysis.suggestedBudget when a run was exhausted.";
    public const string TimeoutParameter = "Optional wall-clock limit in milliseconds.";
    public const string MemoryParameter = "Optional memory limit in MB.";
    public const string PathParameter = "A path relative to /app, e.g. 'data/sales.csv'.";
    public const string ContentParameter = "The file's content: its text, or its bytes base64-encoded when encoding is 'base64'.";
    public const string EncodingParameter = "Optional: 'text' (the default) or 'base64' for binary files.";
    public const string FolderParameter = "Optional folder relative to /app; omit for the whole workspace.";
    public const string PackageParameter = "The package name, e.g. 'openpyxl', 'tabulate', 'jinja2'.";
    public const string ClearFilesParameter = "Also delete the workspace files.";
    public const string SessionLanguageParameter = "Optional: 'python' or 'javascript' to restrict the session to one language; omit for both.";
}
