// Step 6: the util-bot. Describe a small string utility; the model writes it in JavaScript (or Python); it runs
// in the sandbox with your input on stdin, and is saved so it can be reused by name (no model needed then).
//   dotnet run --project samples/Step06_UtilBot -- make slugify js: lower-case the text and join words with '-'
//   echo "Hello Big World" | dotnet run --project samples/Step06_UtilBot -- run slugify
//   dotnet run --project samples/Step06_UtilBot -- list
// Without arguments it reads the same commands line by line from stdin ("slugify: some text" runs a util).
using System.Text.RegularExpressions;
using SkWasmPlugin.AI;
using SkWasmPlugin.Samples;
using SkWasmPlugin.Sandbox;

string store = Path.Combine(Environment.GetEnvironmentVariable("SKWASM_HOME") is { Length: > 0 } home ? home
    : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "skwasm"), "utils");
Directory.CreateDirectory(store);
await using var sandbox = new WasmCodeSandbox();

if (args.Length > 0 && args[0] == "run")
{
    // `run NAME [TEXT]`: TEXT, or this process's stdin, is the utility's input.
    if (args.Length < 2) return Usage();
    string input = args.Length > 2 ? string.Join(' ', args[2..]) : await Console.In.ReadToEndAsync();
    return await Run(args[1], input);
}
int status = 0;
await foreach (string line in ChatClientFactory.Inputs(args, "util-bot> "))
    status = await Handle(line);
return status;

async Task<int> Handle(string line)
{
    if (line == "list")
    {
        foreach (string file in Directory.GetFiles(store).Order()) Console.WriteLine(Path.GetFileName(file));
        return 0;
    }
    var make = Regex.Match(line, @"^make\s+(?<name>[A-Za-z0-9_-]+)(\s+(?<lang>js|javascript|py|python))?\s*:\s*(?<desc>.+)$");
    if (make.Success) return await Make(make.Groups["name"].Value, make.Groups["lang"].Success ? make.Groups["lang"].Value : "js", make.Groups["desc"].Value);
    var run = Regex.Match(line, @"^(?<name>[A-Za-z0-9_-]+)\s*:\s?(?<input>.*)$");
    if (run.Success) return await Run(run.Groups["name"].Value, run.Groups["input"].Value.Replace("\\n", "\n"));
    return Usage();
}

async Task<int> Make(string name, string lang, string description)
{
    var language = Languages.Parse(lang);
    var model = ChatClientFactory.RequireOrExit();
    var system = PromptLibrary.Render(PromptLibrary.UtilBot, new Dictionary<string, string?>
    {
        ["language"] = language == Language.Python ? "Python" : "JavaScript",
        ["input_hint"] = language == Language.Python ? "sys.stdin.read()" : "readStdin()",
    });
    var loop = new CodeRepairLoop(model, sandbox, new CodeRepairOptions { MaxAttempts = 3, InitialFuel = 1_000_000_000 });
    var result = await loop.RunAsync(new CodeRepairTask(system + "\n\nUtility: " + description, language)
    {
        Stdin = "Hello, World! The quick brown fox, 42 times.\nSecond line.\n",
        Checker = r => r.Stdout.Length == 0 ? "The program printed nothing for the sample input." : null,
    });
    foreach (string h in result.History) Console.Error.WriteLine(h);
    if (!result.Succeeded) return 1;
    string path = Path.Combine(store, name + (language == Language.Python ? ".py" : ".js"));
    await File.WriteAllTextAsync(path, result.FinalCode);
    Console.WriteLine($"saved {name} ({path}); sample output:\n{result.Attempts[^1].Result!.Stdout.TrimEnd()}");
    return 0;
}

async Task<int> Run(string name, string input)
{
    string? file = new[] { ".js", ".py" }.Select(ext => Path.Combine(store, name + ext)).FirstOrDefault(File.Exists);
    if (file is null)
    {
        Console.Error.WriteLine($"no utility named '{name}'; make it first: make {name} js: <description>");
        return 2;
    }
    Languages.TryFromExtension(file, out var language);
    var r = await sandbox.ExecuteAsync(new ExecutionRequest(language, await File.ReadAllTextAsync(file)) { Stdin = input });
    Console.Write(r.Stdout);
    if (!r.IsSuccess) Console.Error.WriteLine($"{r.Outcome}: {r.Guidance?.ErrorType} {r.Guidance?.Fix}");
    return r.IsSuccess ? 0 : 1;
}

static int Usage()
{
    Console.Error.WriteLine("usage: make NAME [js|py]: DESCRIPTION | NAME: INPUT | run NAME [TEXT] | list");
    return 2;
}
