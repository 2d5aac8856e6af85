using System.Text.Json;

namespace Dashboard.Web.Features.Dispatch;

/// <summary>
/// The small optional JSON bodies of command endpoints ({reason}, {officerId}, {note, photos}…). An absent or empty body is
/// an empty object; every bad field is named.
/// </summary>
public sealed class CommandBody : IDisposable
{
    private readonly JsonDocument? _document;

    private CommandBody(JsonDocument? document) => _document = document;

    public Dictionary<string, string[]> Errors { get; } = [];

    public JsonElement Root => _document?.RootElement ?? default;

    public static async Task<CommandBody> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length == 0 || buffer.ToArray().All(b => b is (byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t'))
        {
            return new CommandBody(null);
        }

        try
        {
            var document = JsonDocument.Parse(buffer.ToArray());
            var body = new CommandBody(document);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                body.Errors["body"] = ["the body must be a JSON object"];
            }

            return body;
        }
        catch (JsonException ex)
        {
            var body = new CommandBody(null);
            body.Errors["body"] = [$"malformed JSON: {ex.Message}"];
            return body;
        }
    }

    public bool IsValid => Errors.Count == 0;

    public string? Text(string name, int maxLength, bool required)
    {
        if (!TryGet(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Errors[name] = [$"{name} is required"];
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Errors[name] = [$"{name} must be a string"];
            return null;
        }

        var text = value.GetString()!.Trim();
        if (text.Length == 0 && required)
        {
            Errors[name] = [$"{name} must not be blank"];
            return null;
        }

        if (text.Length > maxLength)
        {
            Errors[name] = [$"{name} must be at most {maxLength} characters"];
            return null;
        }

        return text.Length == 0 ? null : text;
    }

    public int? Whole(string name, int min, int max)
    {
        if (!TryGet(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number) || number < min || number > max)
        {
            Errors[name] = [$"{name} must be a whole number from {min} to {max}"];
            return null;
        }

        return number;
    }

    public double? Number(string name, double min, double max)
    {
        if (!TryGet(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number) || number < min || number > max)
        {
            Errors[name] = [$"{name} must be a number from {min} to {max}"];
            return null;
        }

        return number;
    }

    public bool Bool(string name)
    {
        if (!TryGet(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Errors[name] = [$"{name} must be true or false"];
            return false;
        }

        return value.GetBoolean();
    }

    private bool TryGet(string name, out JsonElement value)
    {
        value = default;
        return _document is not null && Root.ValueKind == JsonValueKind.Object && Root.TryGetProperty(name, out value);
    }

    public void Dispose() => _document?.Dispose();
}
