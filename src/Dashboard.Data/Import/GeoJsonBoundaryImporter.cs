using System.Data;
using System.Globalization;
using System.Text.Json;
using Dashboard.Core.Jurisdictions;
using Dashboard.Data.Jurisdictions;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;
using NetTopologySuite.Operation.Valid;

namespace Dashboard.Data.Import;

/// <summary>
/// Imports jurisdiction boundaries from a GeoJSON FeatureCollection (properties: code, name, level, parentCode).
/// The whole file is checked first and every problem reported; only a clean file is written, in one transaction.
/// </summary>
public sealed class GeoJsonBoundaryImporter(DbConnectionFactory db)
{
    private static readonly JsonSerializerOptions GeoJsonOptions = new()
    {
        Converters = { new GeoJsonConverterFactory(new GeometryFactory(new PrecisionModel(), 4326)) },
    };

    private sealed record Candidate(int Index, string? Code, string? Name, JurisdictionLevel? Level, string? ParentCode, Geometry? Boundary);

    public async Task<ImportResult> ImportAsync(Stream geoJson, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(geoJson);
        var errors = new List<ImportError>();
        var candidates = await ReadAsync(geoJson, errors, ct);
        if (candidates is null)
        {
            throw new GeoJsonImportException(errors);
        }

        await using var connection = await db.OpenAsync(ct);
        // Serializable: the tree is validated against exactly the rows this transaction then overwrites.
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.Serializable, ct);
        var existing = await JurisdictionRepository.LoadAllAsync(connection, tx, db.Dialect, ct);
        var existingByCode = existing.ToDictionary(n => n.Code, StringComparer.Ordinal);
        CheckParents(candidates, existingByCode, errors);

        var nodes = new List<JurisdictionNode>();
        if (errors.Count == 0)
        {
            nodes = candidates.Select(c => new JurisdictionNode(c.Code!, c.Name!, c.Level!.Value, c.ParentCode, c.Boundary!)).ToList();
            var merged = new Dictionary<string, JurisdictionNode>(existingByCode, StringComparer.Ordinal);
            foreach (var node in nodes)
            {
                merged[node.Code] = node;
            }

            errors.AddRange(JurisdictionTree.Validate(merged.Values).Select(e => new ImportError(-1, null, "tree", e)));
        }

        if (errors.Count > 0)
        {
            throw new GeoJsonImportException(errors);
        }

        int inserted = 0, updated = 0;
        foreach (var level in nodes.GroupBy(n => n.Level).OrderBy(g => g.Key))
        {
            var ordered = level.OrderBy(n => n.Code, StringComparer.Ordinal).ToList();
            var updates = ordered.Where(n => existingByCode.ContainsKey(n.Code)).ToList();
            var inserts = ordered.Where(n => !existingByCode.ContainsKey(n.Code)).ToList();
            await JurisdictionRepository.WriteAsync(connection, tx, db.Dialect, updates, insert: false, ct);
            await JurisdictionRepository.WriteAsync(connection, tx, db.Dialect, inserts, insert: true, ct);
            updated += updates.Count;
            inserted += inserts.Count;
        }

        await tx.CommitAsync(ct);
        return new ImportResult(inserted, updated);
    }

    /// <summary>Everything that can be checked without the database. Null when the file itself is unusable.</summary>
    private static async Task<List<Candidate>?> ReadAsync(Stream stream, List<ImportError> errors, CancellationToken ct)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
        }
        catch (JsonException e)
        {
            errors.Add(new ImportError(-1, null, "json", $"not readable JSON: {e.Message}"));
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            var type = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
                ? t.GetString()
                : null;
            if (!string.Equals(type, "FeatureCollection", StringComparison.Ordinal))
            {
                errors.Add(new ImportError(-1, null, "type", $"expected a FeatureCollection, found {(type is null ? root.ValueKind.ToString() : $"'{type}'")}"));
                return null;
            }

            if (!root.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
            {
                errors.Add(new ImportError(-1, null, "features", "missing or not an array"));
                return null;
            }

            var candidates = new List<Candidate>();
            var firstIndexByCode = new Dictionary<string, int>(StringComparer.Ordinal);
            var index = 0;
            foreach (var feature in features.EnumerateArray())
            {
                var candidate = ReadFeature(index, feature, errors);
                if (candidate.Code is not null && !firstIndexByCode.TryAdd(candidate.Code, index))
                {
                    errors.Add(new ImportError(index, candidate.Code, "code", $"'{candidate.Code}' is already used by feature #{firstIndexByCode[candidate.Code]}"));
                }

                candidates.Add(candidate);
                index++;
            }

            return candidates;
        }
    }

    private static Candidate ReadFeature(int index, JsonElement feature, List<ImportError> errors)
    {
        if (feature.ValueKind != JsonValueKind.Object
            || !feature.TryGetProperty("type", out var type)
            || !string.Equals(type.ValueKind == JsonValueKind.String ? type.GetString() : null, "Feature", StringComparison.Ordinal))
        {
            errors.Add(new ImportError(index, null, "type", "not a GeoJSON Feature"));
            return new Candidate(index, null, null, null, null, null);
        }

        var properties = feature.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        var code = Text(properties, "code", out var codeProblem);
        void Fail(string field, string message) => errors.Add(new ImportError(index, code, field, message));

        if (code is null)
        {
            Fail("code", codeProblem ?? "missing or blank");
        }

        var name = Text(properties, "name", out var nameProblem);
        if (name is null)
        {
            Fail("name", nameProblem ?? "missing or blank");
        }

        JurisdictionLevel? level = null;
        var levelText = Text(properties, "level", out var levelProblem);
        if (levelText is null)
        {
            Fail("level", levelProblem ?? "missing or blank");
        }
        else if (JurisdictionLevels.TryParse(levelText, out var parsed))
        {
            level = parsed;
        }
        else
        {
            Fail("level", $"'{levelText}' is not one of city|district|township|grid");
        }

        var parentCode = Text(properties, "parentCode", out var parentProblem);
        if (parentProblem is not null)
        {
            Fail("parentCode", parentProblem);
        }

        var boundary = ReadBoundary(feature, Fail);
        return new Candidate(index, code, name, level, parentCode, boundary);
    }

    private static Geometry? ReadBoundary(JsonElement feature, Action<string, string> fail)
    {
        if (!feature.TryGetProperty("geometry", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            fail("geometry", "missing");
            return null;
        }

        Geometry? geometry;
        try
        {
            geometry = element.Deserialize<Geometry>(GeoJsonOptions);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException or FormatException)
        {
            fail("geometry", $"not readable: {e.Message}");
            return null;
        }

        if (geometry is not (Polygon or MultiPolygon) || geometry.IsEmpty)
        {
            fail("geometry", $"a {geometry?.GeometryType ?? "null"} is not a non-empty Polygon or MultiPolygon");
            return null;
        }

        geometry.SRID = 4326;
        var outside = geometry.Coordinates.FirstOrDefault(c =>
            !double.IsFinite(c.X) || !double.IsFinite(c.Y) || c.X is < -180 or > 180 || c.Y is < -90 or > 90);
        if (outside is not null)
        {
            fail("geometry", string.Create(CultureInfo.InvariantCulture,
                $"coordinate [{outside.X}, {outside.Y}] is outside WGS-84 range (longitude -180..180, latitude -90..90)"));
        }

        var validity = new IsValidOp(geometry).ValidationError;
        if (validity is not null)
        {
            fail("geometry", string.Create(CultureInfo.InvariantCulture,
                $"invalid: {validity.Message} at [{validity.Coordinate?.X}, {validity.Coordinate?.Y}]"));
        }

        return outside is null && validity is null ? geometry : null;
    }

    private static void CheckParents(List<Candidate> candidates, Dictionary<string, JurisdictionNode> existing, List<ImportError> errors)
    {
        var inFile = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        foreach (var c in candidates.Where(c => c.Code is not null))
        {
            inFile.TryAdd(c.Code!, c);
        }

        foreach (var c in candidates.Where(c => c.Level is not null))
        {
            var level = c.Level!.Value;
            if (level == JurisdictionLevel.City)
            {
                if (c.ParentCode is not null)
                {
                    errors.Add(new ImportError(c.Index, c.Code, "parentCode", $"a city has no parent, found '{c.ParentCode}'"));
                }

                continue;
            }

            var expected = level - 1;
            if (c.ParentCode is null)
            {
                errors.Add(new ImportError(c.Index, c.Code, "parentCode", $"missing; a {Describe(level)} needs a {Describe(expected)} parent"));
                continue;
            }

            if (inFile.TryGetValue(c.ParentCode, out var fileParent))
            {
                // A file parent whose own level is unreadable has already been reported.
                if (fileParent.Level is { } actual && actual != expected)
                {
                    errors.Add(WrongLevel(c, actual, expected));
                }
            }
            else if (existing.TryGetValue(c.ParentCode, out var dbParent))
            {
                if (dbParent.Level != expected)
                {
                    errors.Add(WrongLevel(c, dbParent.Level, expected));
                }
            }
            else
            {
                errors.Add(new ImportError(c.Index, c.Code, "parentCode", $"'{c.ParentCode}' is neither in the file nor in the database"));
            }
        }
    }

    private static ImportError WrongLevel(Candidate c, JurisdictionLevel actual, JurisdictionLevel expected) =>
        new(c.Index, c.Code, "parentCode", $"'{c.ParentCode}' is a {Describe(actual)}, but a {Describe(c.Level!.Value)} needs a {Describe(expected)} parent");

    private static string Describe(JurisdictionLevel level) => level.ToString().ToLowerInvariant();

    /// <summary>A trimmed string or integer property; null when absent, null or blank (problem set when of a wrong kind).</summary>
    private static string? Text(JsonElement properties, string name, out string? problem)
    {
        problem = null;
        if (properties.ValueKind != JsonValueKind.Object || !properties.TryGetProperty(name, out var value))
        {
            return null;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var text = value.GetString()!.Trim();
                return text.Length == 0 ? null : text;
            case JsonValueKind.Number:
                return value.GetRawText();
            case JsonValueKind.Null:
                return null;
            default:
                problem = $"must be a string, found {value.ValueKind}";
                return null;
        }
    }
}
