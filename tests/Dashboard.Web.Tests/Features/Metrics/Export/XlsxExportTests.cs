using System.Globalization;
using Dashboard.Web.Features.Metrics.Export;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Dashboard.Web.Tests.Features.Metrics.Export;

public sealed class XlsxExportTests
{
    /// <summary>A cell as read back: its value (string, double or null), its number format code and whether it is bold.</summary>
    internal sealed record ReadCell(object? Value, string? Format, bool Bold);

    internal sealed record ReadSheet(string Name, List<List<ReadCell>> Rows, Pane? Pane, List<Column> Columns);

    internal static async Task<ReadSheet> WriteAndRead(ExportTable table)
    {
        var stream = new MemoryStream();
        await TableExport.WriteXlsxAsync(table, stream, TestContext.Current.CancellationToken);
        stream.Position = 0;
        return Read(stream);
    }

    internal static ReadSheet Read(Stream stream)
    {
        using var document = SpreadsheetDocument.Open(stream, false);
        var workbook = document.WorkbookPart!;
        var sheet = Assert.Single(workbook.Workbook.Sheets!.Elements<Sheet>());
        var part = (WorksheetPart)workbook.GetPartById(sheet.Id!);
        var stylesheet = workbook.WorkbookStylesPart?.Stylesheet;
        var shared = workbook.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().ToList();

        var rows = new List<List<ReadCell>>();
        foreach (var row in part.Worksheet.Descendants<Row>())
        {
            var cells = new List<ReadCell>();
            foreach (var cell in row.Elements<Cell>())
            {
                var index = ColumnIndex(cell.CellReference?.Value) ?? cells.Count;
                while (cells.Count < index)
                {
                    cells.Add(new ReadCell(null, null, false));
                }

                cells.Add(ReadOne(cell, stylesheet, shared));
            }

            rows.Add(cells);
        }

        var pane = part.Worksheet.Descendants<Pane>().SingleOrDefault();
        return new ReadSheet(sheet.Name!, rows, pane, part.Worksheet.Descendants<Column>().ToList());
    }

    private static int? ColumnIndex(string? reference)
    {
        if (reference is null)
        {
            return null;
        }

        var index = 0;
        foreach (var c in reference.TakeWhile(char.IsAsciiLetter))
        {
            index = index * 26 + (c - 'A' + 1);
        }

        return index - 1;
    }

    private static ReadCell ReadOne(Cell cell, Stylesheet? stylesheet, List<SharedStringItem>? shared)
    {
        object? value = cell.DataType?.Value switch
        {
            var t when t == CellValues.InlineString => cell.InlineString!.InnerText,
            var t when t == CellValues.SharedString => shared![int.Parse(cell.CellValue!.Text, CultureInfo.InvariantCulture)].InnerText,
            var t when t == CellValues.String => cell.CellValue?.Text,
            null when cell.CellValue is { } v => double.Parse(v.Text, CultureInfo.InvariantCulture),
            null => null,
            var t => throw new InvalidOperationException($"unexpected cell type {t}"),
        };

        string? format = null;
        var bold = false;
        if (cell.StyleIndex?.Value is { } styleIndex && stylesheet is not null)
        {
            var cellFormat = stylesheet.CellFormats!.Elements<CellFormat>().ElementAt((int)styleIndex);
            var formatId = cellFormat.NumberFormatId?.Value ?? 0;
            format = stylesheet.NumberingFormats?.Elements<NumberingFormat>().SingleOrDefault(f => f.NumberFormatId?.Value == formatId)?.FormatCode?.Value
                ?? formatId switch { 0 => null, 1 => "0", 2 => "0.00", 9 => "0%", 10 => "0.00%", _ => $"#{formatId}" };
            var font = stylesheet.Fonts!.Elements<Font>().ElementAt((int)(cellFormat.FontId?.Value ?? 0));
            bold = font.Bold is { } b && (b.Val is null || b.Val.Value);
        }

        return new ReadCell(value, format, bold);
    }

    private static readonly ExportColumn[] Columns =
    [
        new("街道"),
        new("件数", ExportColumnKind.Integer),
        new("平均得分", ExportColumnKind.Number),
        new("处置率", ExportColumnKind.Percent),
        new("平均到场(秒)", ExportColumnKind.Seconds),
    ];

    [Fact]
    public async Task Every_cell_reads_back_as_written_numbers_as_numbers_and_percents_under_a_percent_format()
    {
        var table = new ExportTable("层级汇总", Columns,
        [
            ["城关街道", 120L, 87.456, 0.8333, 305.5],
            ["=1+2, \"quoted\"\nline", -3L, (double?)null, 1L, 0L],
            [ExportCell.Empty, (long?)null, 1e-9, 0.0, (double?)null],
        ]);

        var sheet = await WriteAndRead(table);

        Assert.Equal("层级汇总", sheet.Name);
        Assert.Equal(table.Rows.Count + 1, sheet.Rows.Count);
        Assert.Equal(table.Columns.Select(c => (object?)c.Header), sheet.Rows[0].Select(c => c.Value));
        Assert.All(sheet.Rows[0], cell => Assert.True(cell.Bold));

        string?[] formats = [null, "0", "0.00", "0.0%", "0"];
        for (var r = 0; r < table.Rows.Count; r++)
        {
            var read = sheet.Rows[r + 1];
            for (var c = 0; c < table.Columns.Count; c++)
            {
                var expected = table.Rows[r][c].Value;
                var actual = c < read.Count ? read[c] : new ReadCell(null, null, false);
                Assert.False(actual.Bold);
                switch (expected)
                {
                    case null:
                        Assert.Null(actual.Value);
                        break;
                    case string s:
                        // The apostrophe defuses CSV only: xlsx text is never a formula.
                        Assert.Equal(s, actual.Value);
                        break;
                    default:
                        Assert.Equal(Convert.ToDouble(expected, CultureInfo.InvariantCulture), Assert.IsType<double>(actual.Value));
                        Assert.Equal(formats[c], actual.Format);
                        break;
                }
            }
        }
    }

    [Fact]
    public async Task The_header_row_is_frozen()
    {
        var sheet = await WriteAndRead(new ExportTable("t", Columns, []));

        Assert.NotNull(sheet.Pane);
        Assert.Equal(PaneStateValues.Frozen, sheet.Pane.State?.Value);
        Assert.Equal(1d, sheet.Pane.VerticalSplit?.Value);
        Assert.Equal("A2", sheet.Pane.TopLeftCell?.Value);
    }

    [Fact]
    public async Task Decimals_hints_shape_the_number_formats()
    {
        ExportColumn[] columns = [new("a", ExportColumnKind.Number, 0), new("b", ExportColumnKind.Percent, 2), new("c", ExportColumnKind.Seconds, 1)];

        var sheet = await WriteAndRead(new ExportTable("t", columns, [[1.5, 0.12345, 2.25]]));

        Assert.Equal(["0", "0.00%", "0.0"], sheet.Rows[1].Select(c => c.Format));
        Assert.Equal([1.5, 0.12345, 2.25], sheet.Rows[1].Select(c => c.Value));
    }

    [Fact]
    public async Task Columns_are_wide_enough_for_their_text_and_CJK_counts_double()
    {
        var table = new ExportTable("t", [new("name"), new("名称"), new("n", ExportColumnKind.Integer)],
            [["abcdefghijklmnopqrst", "城关街道综合执法中队第一网格", 5L]]);

        var sheet = await WriteAndRead(table);

        var widths = sheet.Columns.OrderBy(c => c.Min!.Value).Select(c => c.Width!.Value).ToList();
        Assert.Equal(3, widths.Count);
        Assert.True(widths[0] >= 20, $"ASCII column {widths[0]}");
        Assert.True(widths[1] >= 28, $"CJK column {widths[1]}");
        Assert.True(widths[2] is >= 8 and < 12, $"number column {widths[2]}");
    }

    [Fact]
    public async Task Control_characters_that_XML_cannot_hold_are_dropped()
    {
        var sheet = await WriteAndRead(new ExportTable("t", [new("a\u0001")], [["x\u0000y\tz"]]));

        Assert.Equal("a", sheet.Rows[0][0].Value);
        Assert.Equal("xy\tz", sheet.Rows[1][0].Value);
    }

    [Theory]
    [InlineData("层级汇总", "层级汇总")]
    [InlineData("a[b]c:d*e?f/g\\h", "a_b_c_d_e_f_g_h")]
    [InlineData("'quoted'", "quoted")]
    [InlineData("   ", "Sheet1")]
    [InlineData("history", "history_")]
    [InlineData("2025年1月各街道案件处置情况统计排名表（含超期未结案件及督办件）", "2025年1月各街道案件处置情况统计排名表（含超期未结案件及督")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123' tail", "abcdefghijklmnopqrstuvwxyz0123")]
    public void Sheet_names_are_made_legal_for_Excel(string title, string expected)
    {
        var name = TableExport.SheetName(title);

        Assert.Equal(expected, name);
        Assert.InRange(name.Length, 1, 31);
    }

    [Fact]
    public async Task The_workbook_uses_the_legal_sheet_name()
    {
        var title = "趋势/Trend [2025-01-01:2025-03-31] 各街道处置率与及时率";

        var sheet = await WriteAndRead(new ExportTable(title, [new("x")], [["1"]]));

        Assert.Equal(TableExport.SheetName(title), sheet.Name);
        Assert.Equal(31, sheet.Name.Length);
    }

    [Fact]
    public void Sheet_names_are_cut_without_splitting_a_character()
    {
        Assert.Equal(new string('a', 30), TableExport.SheetName(new string('a', 30) + "😀"));
    }
}
