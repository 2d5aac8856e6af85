using System.Text.Json;
using Dashboard.Core.Incidents;
using Dashboard.Data.Incidents;

namespace Dashboard.Web.Features.Intake;

/// <summary>A report whose fields are present and well-formed; category and place are checked by <see cref="IntakeService"/>.</summary>
public sealed record ReportInput(
    string ClientId,
    string CategoryCode,
    string Description,
    double Latitude,
    double Longitude,
    DateTimeOffset? OccurredAt,
    IReadOnlyList<NewPhoto> Photos);

/// <summary>
/// Reads the JSON body field by field so every problem is reported against the field that has it
/// (a binder would stop at the first type error with a message about the whole body).
/// </summary>
public static class ReportInputReader
{
    public static ReportInput? Read(JsonElement body, DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors["body"] = ["the body must be a JSON object"];
            return null;
        }

        var clientId = String(body, "clientId", errors, required: true);
        if (clientId is not null && !ReportRules.IsValidClientId(clientId))
        {
            errors["clientId"] = [$"clientId must be 1-{ReportRules.MaxClientIdLength} characters of letters, digits, '-', '_', '.', ':'"];
        }

        var category = String(body, "category", errors, required: true);
        var description = String(body, "description", errors, required: true)?.Trim();
        if (description is { Length: 0 })
        {
            errors["description"] = ["description is required"];
        }
        else if (description is { Length: > ReportRules.MaxDescriptionLength })
        {
            errors["description"] = [$"description must be at most {ReportRules.MaxDescriptionLength} characters"];
        }

        var lat = Number(body, "lat", -90, 90, errors);
        var lon = Number(body, "lon", -180, 180, errors);
        var occurredAt = Timestamp(body, "occurredAt", now, errors);
        var photos = Photos(body, errors);

        return errors.Count == 0
            ? new ReportInput(clientId!, category!, description!, lat!.Value, lon!.Value, occurredAt, photos)
            : null;
    }

    private static string? String(JsonElement body, string name, Dictionary<string, string[]> errors, bool required)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                errors[name] = [$"{name} is required"];
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors[name] = [$"{name} must be a string"];
            return null;
        }

        var text = value.GetString()!;
        if (required && string.IsNullOrWhiteSpace(text))
        {
            errors[name] = [$"{name} is required"];
            return null;
        }

        return text;
    }

    private static double? Number(JsonElement body, string name, double min, double max, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors[name] = [$"{name} is required"];
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            errors[name] = [$"{name} must be a number"];
            return null;
        }

        if (number < min || number > max)
        {
            errors[name] = [$"{name} must be between {min} and {max} (WGS-84 degrees)"];
            return null;
        }

        return number;
    }

    private static DateTimeOffset? Timestamp(JsonElement body, string name, DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || !value.TryGetDateTimeOffset(out var at))
        {
            errors[name] = [$"{name} must be an ISO-8601 date-time with offset, e.g. 2026-11-23T09:30:00+08:00"];
            return null;
        }

        if (at > now + ReportRules.MaxClockSkew)
        {
            errors[name] = [$"{name} is in the future"];
            return null;
        }

        if (at < now - ReportRules.MaxOccurredAge)
        {
            errors[name] = [$"{name} is more than {ReportRules.MaxOccurredAge.TotalDays} days ago"];
            return null;
        }

        return at;
    }

    /// <summary>The optional "photos" array of a JSON body; shared with task resolution.</summary>
    public static List<NewPhoto> Photos(JsonElement body, Dictionary<string, string[]> errors)
    {
        var photos = new List<NewPhoto>();
        if (!body.TryGetProperty("photos", out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return photos;
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            errors["photos"] = ["photos must be an array of {contentType, fileName?, data (base64)}"];
            return photos;
        }

        if (list.GetArrayLength() > ReportRules.MaxPhotos)
        {
            errors["photos"] = [$"at most {ReportRules.MaxPhotos} photos"];
            return photos;
        }

        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var field = $"photos[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors[field] = ["each photo must be an object {contentType, fileName?, data}"];
                continue;
            }

            var contentType = String(item, "contentType", errors, required: true);
            var fileName = String(item, "fileName", errors, required: false);
            var data = String(item, "data", errors, required: true);
            MoveNested(errors, field, "contentType", "fileName", "data");
            if (contentType is null || data is null)
            {
                continue;
            }

            var photo = Photo(contentType, fileName, data, out var problem);
            if (photo is null)
            {
                errors[field] = [problem!];
            }
            else
            {
                photos.Add(photo);
            }
        }

        return photos;
    }

    /// <summary>Checks one photo's type, size and bytes; shared with the report page's uploads.</summary>
    public static NewPhoto? Photo(string contentType, string? fileName, string base64, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(base64);
        // Base64 is 4/3 of the bytes: refuse oversize input before decoding it.
        if (base64.Length > ((ReportRules.MaxPhotoBytes + 2) / 3 * 4) + 4)
        {
            problem = $"photo is larger than {ReportRules.MaxPhotoBytes / (1024 * 1024)} MB";
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            problem = "data must be base64";
            return null;
        }

        return Photo(contentType, fileName, bytes, out problem);
    }

    public static NewPhoto? Photo(string contentType, string? fileName, byte[] bytes, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(contentType);
        ArgumentNullException.ThrowIfNull(bytes);
        problem = null;
        var type = contentType.Trim().ToLowerInvariant();
        if (!ReportRules.PhotoContentTypes.Contains(type))
        {
            problem = $"contentType must be one of {string.Join(", ", ReportRules.PhotoContentTypes)}";
        }
        else if (bytes.Length == 0)
        {
            problem = "photo is empty";
        }
        else if (bytes.Length > ReportRules.MaxPhotoBytes)
        {
            problem = $"photo is larger than {ReportRules.MaxPhotoBytes / (1024 * 1024)} MB";
        }
        else if (!ReportRules.LooksLike(type, bytes))
        {
            problem = $"data is not a {type} image";
        }
        else if (fileName is { Length: > ReportRules.MaxFileNameLength })
        {
            problem = $"fileName must be at most {ReportRules.MaxFileNameLength} characters";
        }

        return problem is null ? new NewPhoto(type, bytes, string.IsNullOrWhiteSpace(fileName) ? null : Path.GetFileName(fileName)) : null;
    }

    private static void MoveNested(Dictionary<string, string[]> errors, string prefix, params string[] names)
    {
        foreach (var name in names)
        {
            if (errors.Remove(name, out var messages))
            {
                errors[$"{prefix}.{name}"] = messages;
            }
        }
    }
}
