using System.Diagnostics.CodeAnalysis;

namespace Dashboard.Web.Features.Metrics.Export;

/// <summary>How a column's values are written: the kind picks the CSV text and the xlsx number format.</summary>
public enum ExportColumnKind
{
    Text,

    [SuppressMessage("Naming", "CA1720", Justification = "The kind of number a column holds, named as readers of the table say it.")]
    Integer,
    Number,

    /// <summary>A 0–1 ratio: xlsx keeps the ratio under a percent format, CSV writes percent points (83.3) under a "(%)" header.</summary>
    Percent,

    /// <summary>A duration in seconds, written as a plain number (the caller's header names the unit).</summary>
    Seconds,
}

/// <summary>A column: its header (already localised by the caller), its kind and, for numbers, how many decimals to show.</summary>
public sealed record ExportColumn(string Header, ExportColumnKind Kind = ExportColumnKind.Text, int? Decimals = null)
{
    /// <summary>The decimals shown: the hint, else 2 for numbers, 1 for percents (83.3%), 0 for integers and seconds.</summary>
    public int DecimalsShown => Math.Clamp(Decimals ?? Kind switch
    {
        ExportColumnKind.Number => 2,
        ExportColumnKind.Percent => 1,
        _ => 0,
    }, 0, 10);
}

/// <summary>One cell: a string, a long, a double or nothing. Implicit conversions keep rows short: <c>[name, count, ratio]</c>.</summary>
public readonly record struct ExportCell
{
    private ExportCell(object? value) => Value = value;

    /// <summary>A <see cref="string"/>, a <see cref="long"/>, a <see cref="double"/> or null.</summary>
    public object? Value { get; }

    public static ExportCell Empty => default;

    public static ExportCell FromString(string? value) => new(value);

    public static ExportCell FromInt64(long? value) => new(value);

    public static ExportCell FromInt32(int? value) => new((long?)value);

    /// <summary>NaN and infinities become empty cells: neither CSV readers nor xlsx can hold them as numbers.</summary>
    public static ExportCell FromDouble(double? value) => new(value is { } v && double.IsFinite(v) ? v : null);

    public static implicit operator ExportCell(string? value) => FromString(value);

    public static implicit operator ExportCell(long value) => FromInt64(value);

    public static implicit operator ExportCell(long? value) => FromInt64(value);

    public static implicit operator ExportCell(int value) => FromInt32(value);

    public static implicit operator ExportCell(int? value) => FromInt32(value);

    public static implicit operator ExportCell(double value) => FromDouble(value);

    public static implicit operator ExportCell(double? value) => FromDouble(value);
}

/// <summary>A column and how to read its cell from an item, for <see cref="ExportTable.Of{T}"/>.</summary>
public sealed record ExportField<T>(ExportColumn Column, Func<T, ExportCell> Value);

/// <summary>A table to export: a title (the sheet name), ordered columns and rows of cells, one per column.</summary>
public sealed class ExportTable
{
    public ExportTable(string title, IReadOnlyList<ExportColumn> columns, IReadOnlyList<IReadOnlyList<ExportCell>> rows)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(rows);
        if (columns.Count == 0)
        {
            throw new ArgumentException("an export table needs at least one column", nameof(columns));
        }

        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Count != columns.Count)
            {
                throw new ArgumentException($"row {i} has {rows[i].Count} cells for {columns.Count} columns", nameof(rows));
            }
        }

        Title = title;
        Columns = columns;
        Rows = rows;
    }

    public string Title { get; }

    public IReadOnlyList<ExportColumn> Columns { get; }

    public IReadOnlyList<IReadOnlyList<ExportCell>> Rows { get; }

    /// <summary>A table of <paramref name="items"/>, one row each, one column per field.</summary>
    public static ExportTable Of<T>(string title, IEnumerable<T> items, params IReadOnlyList<ExportField<T>> fields)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(fields);
        var columns = fields.Select(f => f.Column).ToList();
        var rows = items.Select(item => (IReadOnlyList<ExportCell>)fields.Select(f => f.Value(item)).ToArray()).ToList();
        return new ExportTable(title, columns, rows);
    }
}
