using System.Globalization;

namespace Dashboard.Core.Positions;

/// <summary>A fix as sent by the OsmAnd / Traccar Client protocol, before the device id is mapped to an officer.</summary>
public sealed record OsmAndFix(string DeviceId, double Latitude, double Longitude, DateTimeOffset At, double? Speed, double? Heading, double? Accuracy);

/// <summary>
/// Parses the OsmAnd protocol as Traccar Client and OsmAnd send it:
/// <c>?id=…&amp;lat=…&amp;lon=…&amp;timestamp=…&amp;speed=…&amp;bearing=…&amp;accuracy=…</c> (or <c>location=lat,lon</c>;
/// <c>deviceid</c> for <c>id</c>; <c>heading</c> for <c>bearing</c>; <c>hdop</c> for accuracy).
/// Speed is in knots as those clients send it; timestamp is Unix seconds, Unix milliseconds or an ISO-8601 date.
/// </summary>
public static class OsmAndProtocol
{
    private const double KnotsToMetersPerSecond = 0.514444;

    public static OsmAndFix? Parse(IReadOnlyDictionary<string, string?> query, DateTimeOffset now, IDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(errors);
        var id = First(query, "id", "deviceid")?.Trim();
        if (string.IsNullOrEmpty(id))
        {
            errors["id"] = ["id (the device identifier) is required"];
        }
        else if (id.Length > 64)
        {
            errors["id"] = ["id must be at most 64 characters"];
        }

        double? lat = null, lon = null;
        if (First(query, "location") is { } location)
        {
            var parts = location.Split(',');
            if (parts.Length == 2 && TryDouble(parts[0], out var la) && TryDouble(parts[1], out var lo))
            {
                (lat, lon) = (la, lo);
            }
            else
            {
                errors["location"] = ["location must be 'lat,lon'"];
            }
        }
        else
        {
            lat = Number(query, "lat", errors);
            lon = Number(query, "lon", errors);
        }

        var at = Timestamp(First(query, "timestamp"), now, errors);
        var speedKnots = Number(query, "speed", errors, required: false);
        var heading = Number(query, "bearing", errors, required: false) ?? Number(query, "heading", errors, required: false);
        var accuracy = Number(query, "accuracy", errors, required: false) ?? Number(query, "hdop", errors, required: false);
        var speed = speedKnots * KnotsToMetersPerSecond;

        if (lat is not null && lon is not null)
        {
            PositionRules.Validate("", lat, lon, at, speed, heading, accuracy, now, errors);
            // Report rule failures under the protocol's own parameter names.
            Rename(errors, "at", "timestamp");
            Rename(errors, "heading", "bearing");
        }

        return errors.Count == 0 ? new OsmAndFix(id!, lat!.Value, lon!.Value, at!.Value, speed, heading, accuracy) : null;
    }

    private static void Rename(IDictionary<string, string[]> errors, string from, string to)
    {
        if (errors.Remove(from, out var messages))
        {
            errors[to] = messages;
        }
    }

    private static string? First(IReadOnlyDictionary<string, string?> query, params string[] names)
    {
        foreach (var name in names)
        {
            if (query.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value))
            {
                return value;
            }
        }

        return null;
    }

    private static double? Number(IReadOnlyDictionary<string, string?> query, string name, IDictionary<string, string[]> errors, bool required = true)
    {
        var text = First(query, name);
        if (text is null)
        {
            if (required)
            {
                errors[name] = [$"{name} is required"];
            }

            return null;
        }

        if (!TryDouble(text, out var value))
        {
            errors[name] = [$"{name} must be a number"];
            return null;
        }

        return value;
    }

    private static bool TryDouble(string text, out double value) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    private static DateTimeOffset? Timestamp(string? text, DateTimeOffset now, IDictionary<string, string[]> errors)
    {
        if (text is null)
        {
            // Some OsmAnd builds omit it; the fix is as fresh as the request.
            return now;
        }

        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number > 0)
        {
            // Seconds until the year 5138; anything larger is milliseconds (OsmAnd's {2}).
            return number < 100_000_000_000
                ? DateTimeOffset.FromUnixTimeSeconds(number)
                : DateTimeOffset.FromUnixTimeMilliseconds(Math.Min(number, 253_402_300_799_999));
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return parsed;
        }

        errors["timestamp"] = ["timestamp must be Unix seconds, Unix milliseconds or an ISO-8601 date"];
        return null;
    }
}
