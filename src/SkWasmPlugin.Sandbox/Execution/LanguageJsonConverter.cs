using System.Text.Json;
using System.Text.Json.Serialization;

namespace SkWasmPlugin.Sandbox;

/// <summary>
/// Languages in JSON as callers spell them, "python" and "javascript" (camel case made "javaScript"); reads any spelling
/// <see cref="Languages.TryParse"/> accepts, so records written by earlier versions still load.
/// </summary>
public sealed class LanguageJsonConverter : JsonConverter<Language>
{
    /// <inheritdoc />
    public override Language Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && Languages.TryParse(reader.GetString(), out var language)
            ? language
            : throw new JsonException("Expected a language: \"python\" or \"javascript\".");

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, Language value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.Name());
    }
}
