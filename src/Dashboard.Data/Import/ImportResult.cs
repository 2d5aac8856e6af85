namespace Dashboard.Data.Import;

public sealed record ImportResult(int Inserted, int Updated);

/// <summary>One problem in an import file. FeatureIndex is 0-based, or -1 for the file as a whole.</summary>
public sealed record ImportError(int FeatureIndex, string? Code, string Field, string Message)
{
    public override string ToString()
    {
        var where = FeatureIndex < 0 ? "file" : Code is null ? $"feature #{FeatureIndex}" : $"feature #{FeatureIndex} (code {Code})";
        return $"{where}: {Field}: {Message}";
    }
}

/// <summary>The file was rejected as a whole; nothing was written.</summary>
public sealed class GeoJsonImportException(IReadOnlyList<ImportError> errors)
    : Exception($"GeoJSON import rejected with {errors.Count} error(s):{Environment.NewLine}" + string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<ImportError> Errors { get; } = errors;
}
