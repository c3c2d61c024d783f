using System.IO.Hashing;
using System.Text;

namespace SkWasmPlugin.Sandbox.Hosting;

/// <summary>
/// The names of cache entries: a 128-bit XXH3 of what identifies the entry, as 32 hex digits. Not a cryptographic hash:
/// these name files in a folder only the user can write, and a process's first call computes several of them, where
/// SHA-256 would load the platform's cryptography first (about 8 ms on the first call, bench/RESULTS.md). The content
/// hash of a runtime's .wasm stays SHA-256 (<see cref="ModuleCache.WasmSha256"/>, computed once per build of the file).
/// </summary>
internal static class CacheKey
{
    public static string Of(string text) => Of(Encoding.UTF8.GetBytes(text));

    public static string Of(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(XxHash128.Hash(data));
}
