using System.Diagnostics;
using System.Reflection;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Benchmarks;

/// <summary>
/// Splits a stateless call into the steps WasmCodeSandbox.RunStateless takes (workspace folder + quota, NewInstance,
/// Execute, Dispose, delete folder), by calling the library's internal types through reflection. Diagnostic only:
/// it follows the internals as they are today and returns null when they have changed.
/// </summary>
internal static class InternalsProbe
{
    public static Dictionary<string, Summary>? FreshPhases(WasmCodeSandbox sandbox, Language language, string scratch, int n)
    {
        try
        {
            var flags = BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Instance;
            object catalog = typeof(WasmCodeSandbox).GetProperty("Catalog", flags)!.GetValue(sandbox)!;
            object runtime = catalog.GetType().GetMethod("Get")!.Invoke(catalog, [language])!;
            var newInstance = runtime.GetType().GetMethod("NewInstance")!;
            var quotaType = typeof(WasmCodeSandbox).Assembly.GetType("SkWasmPlugin.Sandbox.Hosting.WorkspaceQuota", throwOnError: true)!;
            var limits = sandbox.Options.Resolve(null);
            string code = SandboxCases.Code(language);
            var names = new[] { "workspace folder + quota", "NewInstance (instantiate + apply snapshot)", "Execute (sk_exec + report)", "Dispose (store, pool slot reset)", "delete workspace folder" };
            var samples = names.ToDictionary(x => x, _ => new List<double>());
            Directory.CreateDirectory(scratch);
            for (int i = 0; i < n + 10; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                string ws = Path.Combine(scratch, "probe-" + Guid.NewGuid().ToString("N"));
                Directory.CreateDirectory(ws);
                object quota = Activator.CreateInstance(quotaType, ws, sandbox.Options.Sessions.DefaultMaxWorkspaceBytes, sandbox.Options.Sessions.DefaultMaxFiles)!;
                long t1 = Stopwatch.GetTimestamp();
                object instance = newInstance.Invoke(runtime, [ws, quota, null, false])!; // a stateless instance (pool slot)
                long t2 = Stopwatch.GetTimestamp();
                instance.GetType().GetMethod("Execute")!.Invoke(instance, [code, null, 0, limits, CancellationToken.None, null]);
                long t3 = Stopwatch.GetTimestamp();
                ((IDisposable)instance).Dispose();
                long t4 = Stopwatch.GetTimestamp();
                Directory.Delete(ws, recursive: true);
                long t5 = Stopwatch.GetTimestamp();
                if (i < 10) continue;
                long[] marks = [t0, t1, t2, t3, t4, t5];
                for (int k = 0; k < names.Length; k++) samples[names[k]].Add((marks[k + 1] - marks[k]) * 1000.0 / Stopwatch.Frequency);
            }
            return samples.ToDictionary(kv => kv.Key, kv => Summary.Of(kv.Value));
        }
        catch (Exception ex) when (ex is NullReferenceException or TargetInvocationException or MissingMethodException or TypeLoadException or ArgumentException)
        {
            Modes.Log($"internals probe skipped ({ex.GetType().Name}): the library's internals changed");
            return null;
        }
    }
}
