using System.Text.Json;

namespace SkWasmPlugin.Sandbox.Sessions;

/// <summary>
/// The vendored pure-Python packages under the read-only /data/site-packages, as listed in
/// <c>data/packages.json</c> (written by runtimes/python/vendor-packages.sh).
/// </summary>
internal sealed class PackageCatalog
{
    // Read on first use: parsing the manifest would otherwise add to every process's first call.
    private readonly Lazy<Dictionary<string, PackageEntry>> _catalog;

    private Dictionary<string, PackageEntry> _packages => _catalog.Value;

    public PackageCatalog(string? dataPath)
    {
        _catalog = new Lazy<Dictionary<string, PackageEntry>>(() => Load(dataPath));
    }

    private static Dictionary<string, PackageEntry> Load(string? dataPath)
    {
        var packages = new Dictionary<string, PackageEntry>(StringComparer.OrdinalIgnoreCase);
        string? manifest = dataPath is null ? null : Path.Combine(dataPath, "packages.json");
        if (manifest is null || !File.Exists(manifest)) return packages;
        var doc = JsonSerializer.Deserialize(File.ReadAllText(manifest), StorageJson.Default.PackageManifest)
                  ?? throw new InvalidDataException($"{manifest} is empty.");
        foreach (var p in doc.Packages) packages[p.Name] = p;
        return packages;
    }

    public IReadOnlyList<string> Names => [.. _packages.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The package and everything it requires, in install order.</summary>
    public IReadOnlyList<string> Resolve(string name)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A package name is required.", nameof(name));
        string key = Normalize(name);
        if (!_packages.TryGetValue(key, out _))
        {
            string available = _packages.Count == 0 ? "none (no vendored packages are installed on this host)" : string.Join(", ", Names);
            throw new ArgumentException(
                $"Package '{name}' is not available in the sandbox (there is no network to install from). Available: {available}.", nameof(name));
        }
        var order = new List<string>();
        Visit(key, order, []);
        return order;
    }

    private void Visit(string name, List<string> order, HashSet<string> seen)
    {
        if (!seen.Add(name) || !_packages.TryGetValue(name, out var entry)) return;
        foreach (string dep in entry.Requires) Visit(Normalize(dep), order, seen);
        order.Add(entry.Name);
    }

    public string GuestPath(string name) => "/data/site-packages/" + _packages[Normalize(name)].Name;

    /// <summary>Maps import names and distribution spellings onto catalog names (PyYAML → yaml, python-dateutil → dateutil).</summary>
    private string Normalize(string name)
    {
        string n = name.Trim().ToLowerInvariant().Replace('_', '-');
        if (_packages.ContainsKey(n)) return n;
        foreach (var p in _packages.Values)
            if (p.Aliases.Any(a => string.Equals(a, n, StringComparison.OrdinalIgnoreCase)) || p.Modules.Any(m => string.Equals(m, name.Trim(), StringComparison.OrdinalIgnoreCase)))
                return p.Name;
        return n;
    }

    /// <summary>The package that provides a top-level module, if one is vendored.</summary>
    public string? ProviderOf(string module)
    {
        string top = module.Split('.')[0];
        return _packages.Values.FirstOrDefault(p => p.Modules.Contains(top, StringComparer.Ordinal))?.Name;
    }

    internal sealed record PackageManifest(List<PackageEntry> Packages);

    internal sealed record PackageEntry(string Name, string Version, string DebianPackage, List<string> Modules, List<string> Requires, List<string> Aliases);
}
