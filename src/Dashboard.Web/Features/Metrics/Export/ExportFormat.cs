using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Dashboard.Web.Features.Metrics.Export;

/// <summary>
/// csv or xlsx, with its content type and file extension. Parsable, so a minimal API binds <c>?format=xlsx</c> to it
/// directly (and answers 400 to anything else, which an enum would not: it accepts "7").
/// </summary>
public sealed class ExportFormat : IParsable<ExportFormat>
{
    public static readonly ExportFormat Csv = new("csv", "text/csv; charset=utf-8");
    public static readonly ExportFormat Xlsx = new("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");

    private const int MaxBaseNameLength = 120;

    private ExportFormat(string name, string contentType)
    {
        Name = name;
        ContentType = contentType;
    }

    /// <summary>"csv" or "xlsx": the query value and the file extension.</summary>
    public string Name { get; }

    public string ContentType { get; }

    public static bool TryParse([NotNullWhen(true)] string? s, [MaybeNullWhen(false)] out ExportFormat result)
    {
        result = s?.Trim().TrimStart('.').ToUpperInvariant() switch
        {
            "CSV" => Csv,
            "XLSX" => Xlsx,
            _ => null,
        };
        return result is not null;
    }

    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, [MaybeNullWhen(false)] out ExportFormat result) =>
        TryParse(s, out result);

    public static ExportFormat Parse(string s, IFormatProvider? provider) =>
        TryParse(s, out var result) ? result : throw new FormatException($"'{s}' is not an export format: csv or xlsx");

    /// <summary>
    /// "<paramref name="baseName"/>.csv" with what no file system accepts replaced by '_'. Chinese stays: the
    /// Content-Disposition header carries it as <c>filename*=UTF-8''…</c> (ASP.NET's SetHttpFileName, via <see cref="ExportResults"/>).
    /// </summary>
    public string FileName(string baseName)
    {
        ArgumentNullException.ThrowIfNull(baseName);
        var invalid = Path.GetInvalidFileNameChars();
        var name = new StringBuilder(baseName.Length);
        foreach (var c in baseName.Trim())
        {
            // Windows' list, not only this OS's: the file is saved on the user's machine.
            name.Append(char.IsControl(c) || Array.IndexOf(invalid, c) >= 0 || "\\/:*?\"<>|".Contains(c, StringComparison.Ordinal) ? '_' : c);
        }

        var text = name.ToString();
        if (text.Length > MaxBaseNameLength)
        {
            text = text[..(char.IsHighSurrogate(text[MaxBaseNameLength - 1]) ? MaxBaseNameLength - 1 : MaxBaseNameLength)];
        }

        // Windows drops trailing dots and spaces, which would leave "name." + "csv" mangled.
        text = text.TrimEnd('.', ' ');
        return (text.Length == 0 ? "export" : text) + "." + Name;
    }

    public override string ToString() => Name;
}
