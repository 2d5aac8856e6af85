namespace Dashboard.Web.Features.Metrics.Export;

/// <summary>Minimal-API results that send an <see cref="ExportTable"/> as a download.</summary>
public static class ExportResults
{
    /// <summary>
    /// Streams the table in <paramref name="format"/> as an attachment named <paramref name="fileBaseName"/> plus the
    /// extension. ASP.NET writes the Content-Disposition with both <c>filename=</c> (ASCII stand-in) and
    /// <c>filename*=UTF-8''…</c>, so Chinese names survive every browser.
    /// </summary>
    public static IResult File(ExportTable table, ExportFormat format, string fileBaseName)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(format);
        return new ExportFileResult(table, format, format.FileName(fileBaseName));
    }

    private sealed class ExportFileResult(ExportTable table, ExportFormat format, string fileName) : IResult
    {
        // Wraps TypedResults.Stream for its headers; the wrapper exists for the request's abort token, which the stream callback lacks.
        public Task ExecuteAsync(HttpContext httpContext) =>
            TypedResults.Stream(
                    body => TableExport.WriteAsync(table, format, body, httpContext.RequestAborted),
                    format.ContentType,
                    fileName)
                .ExecuteAsync(httpContext);
    }
}
