namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>A runtime's start-up: the started interpreter's memory image, its interrupt plan and the fuel start-up used.</summary>
internal sealed record CachedStartup(PageImage Image, IReadOnlyList<(int Address, int Value)> Plan, long Fuel);

/// <summary>
/// Start-up images on disk beside the compiled modules (<c>*.started</c>), so a new process skips the interpreter's
/// start-up. An entry is keyed by Wasmtime, the runtime build and mount layout, the start-up's fuel, what start-up
/// reads from the mounts and the stored form, so any change makes a new entry; it is written atomically, and read
/// bounded (a foreign or damaged file is ignored).
/// </summary>
internal static class StartedImageCache
{
    private const string Magic = "SKWASM-STARTED-1";

    /// <summary>The entry's file in <paramref name="cacheDir"/> for this runtime build, mount layout and mount content.</summary>
    public static string PathFor(string cacheDir, Language language, string wasmSha, IReadOnlyList<Mount> mounts)
    {
        string key = $"{ModuleCache.WasmtimeVersion}|{GuestRuntime.BuildKeyOf(wasmSha, mounts)}|{GuestRuntime.InitFuel}|{MountFingerprint(mounts)}|started-2";
        return Path.Combine(cacheDir, $"{language.Name()}-{CacheKey.Of(key)}.started");
    }

    /// <summary>
    /// Files, bytes and newest write time of each mount start-up reads: the start-up image holds code read
    /// from them (the standard library, our runner), so a changed mount must not reuse an old image.
    /// </summary>
    private static string MountFingerprint(IReadOnlyList<Mount> mounts)
    {
        var parts = new List<string>();
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        foreach (var mount in mounts.Where(m => m.ReadAtStartup))
        {
            long count = 0, bytes = 0, newest = 0;
            foreach (var file in new DirectoryInfo(mount.HostPath).EnumerateFiles("*", options))
            {
                count++;
                bytes += file.Length;
                newest = Math.Max(newest, file.LastWriteTimeUtc.Ticks);
            }
            parts.Add($"{mount.GuestPath}:{count}:{bytes}:{newest}");
            foreach (string rel in mount.HashedFiles)
            {
                string file = Path.Combine(mount.HostPath, rel);
                parts.Add(rel + ":" + (File.Exists(file) ? CacheKey.Of(File.ReadAllBytes(file)) : "-"));
            }
        }
        foreach (var mount in mounts.Where(m => !m.ReadAtStartup && m.ListedDepth > 0 && Directory.Exists(m.HostPath)))
        {
            var names = new List<string>();
            var level = new List<string> { mount.HostPath };
            for (int depth = 0; depth < mount.ListedDepth && level.Count > 0; depth++)
            {
                var next = new List<string>();
                foreach (string dir in level)
                    foreach (string entry in Directory.EnumerateFileSystemEntries(dir).Order(StringComparer.Ordinal))
                    {
                        names.Add(Path.GetRelativePath(mount.HostPath, entry));
                        if (Directory.Exists(entry)) next.Add(entry);
                    }
                level = next;
            }
            parts.Add($"{mount.GuestPath}:" + CacheKey.Of(string.Join("\n", names)));
        }
        return string.Join(";", parts);
    }

    /// <summary>The start-up image stored at <paramref name="path"/>; null when missing, unreadable or foreign.</summary>
    public static CachedStartup? TryRead(string path, long maxMemoryBytes)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            if (reader.ReadString() != Magic) return null;
            long fuel = reader.ReadInt64();
            int count = reader.ReadInt32();
            if (count is < 0 or > SoftStopController.MaxPlanEntries) return null;
            var plan = new List<(int, int)>();
            for (int i = 0; i < count; i++) plan.Add((reader.ReadInt32(), reader.ReadInt32()));
            return new CachedStartup(PageImage.ReadFrom(reader, maxMemoryBytes), plan, fuel);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or EndOfStreamException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Stores <paramref name="started"/> at <paramref name="path"/>, whole or not at all; a failure only costs the next process a start-up.</summary>
    public static void TryWrite(string path, CachedStartup started)
    {
        try
        {
            string tmp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            using (var writer = new BinaryWriter(File.Create(tmp)))
            {
                writer.Write(Magic);
                writer.Write(started.Fuel);
                writer.Write(started.Plan.Count);
                foreach (var (address, value) in started.Plan)
                {
                    writer.Write(address);
                    writer.Write(value);
                }
                started.Image.WriteTo(writer);
            }
            File.Move(tmp, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Only costs the next process a start-up.
        }
    }
}
