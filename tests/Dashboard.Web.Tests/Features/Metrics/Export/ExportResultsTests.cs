using System.Net;
using System.Text;
using Dashboard.Web.Features.Metrics.Export;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;

namespace Dashboard.Web.Tests.Features.Metrics.Export;

/// <summary>The download through a minimal API on a test server, which refuses synchronous writes as Kestrel does.</summary>
public sealed class ExportResultsTests : IAsyncLifetime
{
    private static readonly ExportTable Table = new("街道排名",
        [new("街道"), new("件数", ExportColumnKind.Integer), new("处置率", ExportColumnKind.Percent)],
        [["城关街道", 12L, 0.75], ["东关街道", (long?)null, 1.0]]);

    private WebApplication app = null!;
    private HttpClient client = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        app = builder.Build();
        app.MapGet("/export", (ExportFormat format) => ExportResults.File(Table, format, "街道排名 2025-01"));
        await app.StartAsync(TestContext.Current.CancellationToken);
        client = app.GetTestClient();
    }

    public async ValueTask DisposeAsync()
    {
        client.Dispose();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task Csv_downloads_with_a_UTF8_file_name()
    {
        using var response = await client.GetAsync(new Uri("/export?format=csv", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var disposition = response.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Equal("街道排名 2025-01.csv", disposition.FileNameStar);
        Assert.Contains("filename*=UTF-8''%E8%A1%97%E9%81%93", string.Join(";", response.Content.Headers.GetValues("Content-Disposition")), StringComparison.Ordinal);

        var bytes = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        Assert.Equal("\uFEFF街道,件数,处置率 (%)\r\n城关街道,12,75.0\r\n东关街道,,100.0\r\n", Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public async Task Xlsx_streams_without_synchronous_writes_and_opens()
    {
        using var response = await client.GetAsync(new Uri("/export?format=XLSX", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ExportFormat.Xlsx.ContentType, response.Content.Headers.ContentType?.ToString());
        Assert.Equal("街道排名 2025-01.xlsx", response.Content.Headers.ContentDisposition?.FileNameStar);

        using var body = new MemoryStream(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        var sheet = XlsxExportTests.Read(body);
        Assert.Equal("街道排名", sheet.Name);
        Assert.Equal([(object?)"城关街道", 12d, 0.75], sheet.Rows[1].Select(c => c.Value));
    }

    [Fact]
    public async Task An_unknown_format_is_a_bad_request()
    {
        using var response = await client.GetAsync(new Uri("/export?format=pdf", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
