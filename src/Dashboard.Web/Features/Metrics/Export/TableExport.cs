using System.Globalization;
using System.Text;
using SpreadCheetah;
using SpreadCheetah.Metadata;
using SpreadCheetah.Styling;
using SpreadCheetah.Worksheets;

namespace Dashboard.Web.Features.Metrics.Export;

/// <summary>Writes an <see cref="ExportTable"/> as CSV or xlsx. Neither closes the stream.</summary>
public static class TableExport
{
    private const string CrLf = "\r\n";
    private const int MaxSheetNameLength = 31;
    private const int WidthSampleRows = 500;

    public static Task WriteAsync(ExportTable table, ExportFormat format, Stream stream, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(format);
        return format == ExportFormat.Xlsx ? WriteXlsxAsync(table, stream, ct) : WriteCsvAsync(table, stream, ct);
    }

    /// <summary>
    /// RFC 4180 CSV, CRLF, UTF-8 with a BOM (without it Excel reads the file as the local ANSI code page and garbles Chinese).
    /// Numbers are invariant and rounded to the column's decimals, as shown on screen; percents are percent points (83.3)
    /// under a header ending "(%)"; empty cells are empty fields.
    /// </summary>
    public static async Task WriteCsvAsync(ExportTable table, Stream stream, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(stream);

        // The BOM is written by hand: StreamWriter skips it on a stream that is not at position 0.
        await stream.WriteAsync(Encoding.UTF8.Preamble.ToArray(), ct);
        var writer = new StreamWriter(stream, new UTF8Encoding(false), bufferSize: 16 * 1024, leaveOpen: true);
        await using (writer)
        {
            var line = new StringBuilder();
            for (var c = 0; c < table.Columns.Count; c++)
            {
                var column = table.Columns[c];
                var header = column.Kind == ExportColumnKind.Percent && !column.Header.Contains('%', StringComparison.Ordinal)
                    ? column.Header + " (%)"
                    : column.Header;
                AppendField(line, c, Defused(header));
            }

            await writer.WriteAsync(line.Append(CrLf), ct);
            foreach (var row in table.Rows)
            {
                line.Clear();
                for (var c = 0; c < table.Columns.Count; c++)
                {
                    AppendField(line, c, CsvText(table.Columns[c], row[c]));
                }

                await writer.WriteAsync(line.Append(CrLf), ct);
            }

            // Flushed here, asynchronously: Kestrel refuses the synchronous flush Dispose would do.
            await writer.FlushAsync(ct);
        }
    }

    /// <summary>
    /// One worksheet named after the title (made legal for Excel): a bold, frozen header row, then the rows with
    /// numbers as numbers (percents as ratios under a 0.0% format) and widths fitted to the text, CJK counting double.
    /// </summary>
    public static async Task WriteXlsxAsync(ExportTable table, Stream stream, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(stream);
        if (stream.CanSeek)
        {
            await WriteWorkbookAsync(table, stream, ct);
            return;
        }

        // On a forward-only stream (a response body) ZipArchive writes each entry's data descriptor synchronously,
        // which Kestrel refuses; metrics tables are small, so the workbook is built in memory and copied.
        using var buffer = new MemoryStream();
        await WriteWorkbookAsync(table, buffer, ct);
        buffer.Position = 0;
        await buffer.CopyToAsync(stream, ct);
    }

    private static async Task WriteWorkbookAsync(ExportTable table, Stream stream, CancellationToken ct)
    {
        var options = new SpreadCheetahOptions { DocumentProperties = new DocumentProperties { Title = table.Title } };
        await using var spreadsheet = await Spreadsheet.CreateNewAsync(stream, options, ct);
        var worksheet = new WorksheetOptions { FrozenRows = 1 };
        for (var c = 0; c < table.Columns.Count; c++)
        {
            worksheet.Column(c + 1).Width = ColumnWidth(table, c);
        }

        await spreadsheet.StartWorksheetAsync(SheetName(table.Title), worksheet, ct);
        var header = spreadsheet.AddStyle(new Style { Font = { Bold = true } });
        await spreadsheet.AddHeaderRowAsync(table.Columns.Select(c => XmlSafe(c.Header)).ToList(), header, ct);

        var styles = table.Columns.Select(c => NumberFormatOf(c) is { } format
            ? spreadsheet.AddStyle(new Style { Format = NumberFormat.Custom(format) })
            : null).ToArray();
        var cells = new Cell[table.Columns.Count];
        foreach (var row in table.Rows)
        {
            for (var c = 0; c < cells.Length; c++)
            {
                cells[c] = row[c].Value switch
                {
                    string s => new Cell(XmlSafe(s)),
                    long l => new Cell(l, styles[c]),
                    double d => new Cell(d, styles[c]),
                    _ => new Cell(),
                };
            }

            await spreadsheet.AddRowAsync(cells, ct);
        }

        await spreadsheet.FinishAsync(ct);
    }

    /// <summary>
    /// The title as Excel accepts a sheet name: []:*?/\ become '_', no leading or trailing apostrophe, at most 31
    /// characters, not the reserved "History", and "Sheet1" when nothing is left.
    /// </summary>
    public static string SheetName(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        var name = new StringBuilder(title.Length);
        foreach (var c in title)
        {
            name.Append(c is '[' or ']' or ':' or '*' or '?' or '/' or '\\' || char.IsControl(c) ? '_' : c);
        }

        var text = name.ToString().Trim().Trim('\'').Trim();
        if (text.Length > MaxSheetNameLength)
        {
            text = text[..(char.IsHighSurrogate(text[MaxSheetNameLength - 1]) ? MaxSheetNameLength - 1 : MaxSheetNameLength)].TrimEnd().TrimEnd('\'');
        }

        if (string.Equals(text, "History", StringComparison.OrdinalIgnoreCase))
        {
            text += "_";
        }

        return text.Length == 0 ? "Sheet1" : text;
    }

    /// <summary>The xlsx number format of a column's numbers; null for text columns.</summary>
    internal static string? NumberFormatOf(ExportColumn column)
    {
        var decimals = column.DecimalsShown;
        var fraction = decimals == 0 ? "" : "." + new string('0', decimals);
        return column.Kind switch
        {
            ExportColumnKind.Integer => "0",
            ExportColumnKind.Number or ExportColumnKind.Seconds => "0" + fraction,
            ExportColumnKind.Percent => "0" + fraction + "%",
            _ => null,
        };
    }

    private static string CsvText(ExportColumn column, ExportCell cell) => cell.Value switch
    {
        string s => Defused(s),
        long l when column.Kind == ExportColumnKind.Percent => Fixed(l * 100d, column.DecimalsShown),
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d when column.Kind == ExportColumnKind.Percent => Fixed(d * 100, column.DecimalsShown),
        double d when column.Kind == ExportColumnKind.Text => d.ToString("R", CultureInfo.InvariantCulture),
        double d when column.Kind == ExportColumnKind.Integer => Fixed(d, 0),
        double d => Fixed(d, column.DecimalsShown),
        _ => "",
    };

    private static string Fixed(double value, int decimals)
    {
        var rounded = Math.Round(value, decimals, MidpointRounding.AwayFromZero);

        // + 0.0 turns -0 into 0: .NET prints negative zero as "-0.0", which a reader takes for a sign.
        return (rounded + 0.0).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Text a spreadsheet would take for a formula (=, +, -, @, tab, CR first) gets a leading apostrophe: a CSV is opened in
    /// Excel, and a reporter's text must not run there (OWASP's CSV injection advice).
    /// </summary>
    private static string Defused(string text) =>
        text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;

    private static void AppendField(StringBuilder line, int index, string text)
    {
        if (index > 0)
        {
            line.Append(',');
        }

        if (text.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            line.Append(text);
            return;
        }

        line.Append('"').Append(text.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }

    /// <summary>Characters XML 1.0 cannot hold (control characters but tab, CR, LF) would make Excel "repair" the file.</summary>
    private static string XmlSafe(string text)
    {
        if (!text.Any(c => char.IsControl(c) && c is not ('\t' or '\r' or '\n')))
        {
            return text;
        }

        return string.Concat(text.Where(c => !char.IsControl(c) || c is '\t' or '\r' or '\n'));
    }

    /// <summary>Characters of the widest of the header and the first rows, CJK counting two, plus room for the filter button.</summary>
    private static double ColumnWidth(ExportTable table, int column)
    {
        var spec = table.Columns[column];
        var widest = DisplayWidth(spec.Header);
        foreach (var row in table.Rows.Take(WidthSampleRows))
        {
            var text = row[column].Value switch
            {
                string s => s,
                null => "",

                // The xlsx shows percents with a '%' sign and numbers with the column's decimals, as CSV writes them.
                _ => CsvText(spec, row[column]) + (spec.Kind == ExportColumnKind.Percent ? "%" : ""),
            };
            widest = Math.Max(widest, DisplayWidth(text));
        }

        return Math.Clamp(widest + 2, 8, 60);
    }

    internal static int DisplayWidth(string text)
    {
        var width = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            width += IsWide(rune.Value) ? 2 : 1;
        }

        return width;
    }

    // East Asian wide and full-width ranges: Hangul Jamo, CJK symbols to Yi, Hangul, compatibility ideographs,
    // vertical and small forms, full-width forms, and the supplementary ideograph planes.
    private static bool IsWide(int c) =>
        c is (>= 0x1100 and <= 0x115F) or (>= 0x2E80 and <= 0xA4CF) or (>= 0xAC00 and <= 0xD7A3) or (>= 0xF900 and <= 0xFAFF)
            or (>= 0xFE30 and <= 0xFE4F) or (>= 0xFF00 and <= 0xFF60) or (>= 0xFFE0 and <= 0xFFE6) or (>= 0x20000 and <= 0x3FFFD);
}
