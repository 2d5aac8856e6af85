using System.Globalization;
using System.Text;
using Dashboard.Web.Features.Metrics.Export;

namespace Dashboard.Web.Tests.Features.Metrics.Export;

public sealed class CsvExportTests
{
    private static async Task<byte[]> CsvBytes(ExportTable table)
    {
        using var stream = new MemoryStream();
        await TableExport.WriteCsvAsync(table, stream, TestContext.Current.CancellationToken);
        return stream.ToArray();
    }

    private static async Task<string> Csv(ExportTable table)
    {
        var bytes = await CsvBytes(table);
        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), bytes[..3]);
        return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 3, bytes.Length - 3);
    }

    [Fact]
    public async Task Starts_with_a_BOM_ends_lines_with_CRLF_and_keeps_Chinese()
    {
        var table = new ExportTable("街道排名", [new("街道"), new("件数", ExportColumnKind.Integer)], [["城关街道", 12L], ["东关街道", 3L]]);

        var bytes = await CsvBytes(table);

        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.Equal("街道,件数\r\n城关街道,12\r\n东关街道,3\r\n", Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3));
    }

    [Fact]
    public async Task Quotes_fields_with_commas_quotes_and_line_breaks_doubling_the_quotes()
    {
        var table = new ExportTable("t", [new("名称, 全称"), new("备注")],
            [["a,b", "he said \"hi\""], ["line1\nline2", "cr\rhere"], ["plain", "tab\tinside"]]);

        var csv = await Csv(table);

        Assert.Equal(
            "\"名称, 全称\",备注\r\n" +
            "\"a,b\",\"he said \"\"hi\"\"\"\r\n" +
            "\"line1\nline2\",\"cr\rhere\"\r\n" +
            "plain,tab\tinside\r\n",
            csv);
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+1", "'+1")]
    [InlineData("-1+2", "'-1+2")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tcmd", "'\tcmd")]
    [InlineData("\rcmd", "\"'\rcmd\"")]
    [InlineData("a=b", "a=b")]
    [InlineData("", "")]
    public async Task Text_that_a_spreadsheet_would_run_gets_a_leading_apostrophe(string text, string field)
    {
        var csv = await Csv(new ExportTable("t", [new("x")], [[text]]));

        Assert.Equal("x\r\n" + field + "\r\n", csv);
    }

    [Fact]
    public async Task Negative_numbers_are_numbers_not_formulas()
    {
        var table = new ExportTable("t", [new("n", ExportColumnKind.Integer), new("x", ExportColumnKind.Number)], [[-5L, -1.5]]);

        Assert.Equal("n,x\r\n-5,-1.50\r\n", await Csv(table));
    }

    [Fact]
    public async Task Nulls_are_empty_fields_in_every_kind()
    {
        ExportColumn[] columns =
        [
            new("a"), new("b", ExportColumnKind.Integer), new("c", ExportColumnKind.Number),
            new("d", ExportColumnKind.Percent), new("e", ExportColumnKind.Seconds),
        ];
        var table = new ExportTable("t", columns, [[(string?)null, (long?)null, (double?)null, ExportCell.Empty, double.NaN]]);

        Assert.Equal("a,b,c,d (%),e\r\n,,,,\r\n", await Csv(table));
    }

    [Fact]
    public async Task Numbers_are_invariant_and_rounded_to_the_columns_decimals_whatever_the_culture()
    {
        var before = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            ExportColumn[] columns =
            [
                new("n", ExportColumnKind.Integer), new("x", ExportColumnKind.Number), new("y", ExportColumnKind.Number, 3),
                new("s", ExportColumnKind.Seconds), new("t", ExportColumnKind.Text),
            ];
            var table = new ExportTable("t", columns, [[1234567L, 1234.5678, 0.0005, 95.5, 2.5], [7.6, -0.001, 2L, 60L, 10L]]);

            Assert.Equal("n,x,y,s,t\r\n1234567,1234.57,0.001,96,2.5\r\n8,0.00,2,60,10\r\n", await Csv(table));
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }

    [Fact]
    public async Task Percents_are_percent_points_under_a_header_that_says_so()
    {
        ExportColumn[] columns =
        [
            new("处置率", ExportColumnKind.Percent), new("及时率(%)", ExportColumnKind.Percent, 2), new("占比", ExportColumnKind.Percent, 0),
        ];
        var table = new ExportTable("t", columns, [[0.8333, 0.5, 1L], [0.0004, 1.0, 0.125]]);

        Assert.Equal("处置率 (%),及时率(%),占比 (%)\r\n83.3,50.00,100\r\n0.0,100.00,13\r\n", await Csv(table));
    }

    [Fact]
    public async Task Headers_are_defused_too()
    {
        var csv = await Csv(new ExportTable("t", [new("=cmd")], []));

        Assert.Equal("'=cmd\r\n", csv);
    }

    [Fact]
    public async Task Writes_a_BOM_even_after_other_bytes_and_leaves_the_stream_open()
    {
        using var stream = new MemoryStream();
        stream.WriteByte((byte)'#');

        await TableExport.WriteCsvAsync(new ExportTable("t", [new("x")], [["1"]]), stream, TestContext.Current.CancellationToken);

        Assert.True(stream.CanWrite);
        Assert.Equal([(byte)'#', 0xEF, 0xBB, 0xBF, (byte)'x'], stream.ToArray()[..5]);
    }

    [Fact]
    public void Rows_must_have_one_cell_per_column()
    {
        var error = Assert.Throws<ArgumentException>(() => new ExportTable("t", [new("a"), new("b")], [["1", "2"], ["3"]]));

        Assert.Contains("row 1", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new ExportTable("t", [], []));
    }

    [Fact]
    public async Task A_table_of_items_reads_each_field()
    {
        var items = new[] { (Name: "城关", Count: 3, Rate: 0.5), (Name: "东关", Count: 1, Rate: 1.0) };

        var table = ExportTable.Of("t", items,
            new(new("名称"), i => i.Name),
            new(new("件数", ExportColumnKind.Integer), i => i.Count),
            new(new("比例", ExportColumnKind.Percent), i => i.Rate));

        Assert.Equal(["名称", "件数", "比例"], table.Columns.Select(c => c.Header));
        Assert.Equal("名称,件数,比例 (%)\r\n城关,3,50.0\r\n东关,1,100.0\r\n", await Csv(table));
    }
}
