using System.Text.Json;
using System.Text.Json.Serialization;

namespace SkWasmPlugin.Sandbox.Sessions;

/// <summary>
/// The JSON the sandbox itself reads and writes (session records, the packages manifest, values exchanged
/// with the guest), generated at build time: no reflection, so it also works trimmed and NativeAOT-compiled.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(SessionRecord))]
[JsonSerializable(typeof(PackageCatalog.PackageManifest))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(string))]
internal sealed partial class StorageJson : JsonSerializerContext;
