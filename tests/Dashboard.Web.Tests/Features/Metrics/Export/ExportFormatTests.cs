using Dashboard.Web.Features.Metrics.Export;

namespace Dashboard.Web.Tests.Features.Metrics.Export;

public sealed class ExportFormatTests
{
    [Theory]
    [InlineData("csv", "csv")]
    [InlineData("CSV", "csv")]
    [InlineData(" xlsx ", "xlsx")]
    [InlineData(".XLSX", "xlsx")]
    public void Parses_csv_and_xlsx_in_any_case(string value, string expected)
    {
        Assert.True(ExportFormat.TryParse(value, out var format));
        Assert.Equal(expected, format.Name);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("xls")]
    [InlineData("0")]
    [InlineData("pdf")]
    public void Refuses_anything_else(string? value)
    {
        Assert.False(ExportFormat.TryParse(value, out _));
        Assert.Throws<FormatException>(() => ExportFormat.Parse(value ?? "", null));
    }

    [Fact]
    public void Knows_its_content_type()
    {
        Assert.Equal("text/csv; charset=utf-8", ExportFormat.Csv.ContentType);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ExportFormat.Xlsx.ContentType);
    }

    [Theory]
    [InlineData("层级汇总 2025-01", "层级汇总 2025-01.xlsx")]
    [InlineData("a/b\\c:d*e?f\"g<h>i|j", "a_b_c_d_e_f_g_h_i_j.xlsx")]
    [InlineData("line\r\nbreak", "line__break.xlsx")]
    [InlineData("trailing. ", "trailing.xlsx")]
    [InlineData("  ", "export.xlsx")]
    public void Builds_a_file_name_every_file_system_accepts(string baseName, string expected)
    {
        Assert.Equal(expected, ExportFormat.Xlsx.FileName(baseName));
    }

    [Fact]
    public void Long_names_are_cut_without_splitting_a_character()
    {
        var name = ExportFormat.Csv.FileName(new string('a', 119) + "😀😀");

        Assert.Equal(new string('a', 119) + ".csv", name);
    }
}
