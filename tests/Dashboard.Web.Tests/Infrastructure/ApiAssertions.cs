using System.Net;
using System.Text.Json;

namespace Dashboard.Web.Tests.Infrastructure;

/// <summary>What API tests assert about responses; <c>using static</c> keeps call sites short.</summary>
public static class ApiAssertions
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A problem+json response with this status, in the header and in the body.</summary>
    public static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        ArgumentNullException.ThrowIfNull(response);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)status, (await response.ReadJsonAsync()).GetProperty("status").GetInt32());
    }

    /// <summary>A 400 problem whose errors name <paramref name="field"/>.</summary>
    public static async Task AssertFieldErrorAsync(HttpResponseMessage response, string field)
    {
        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = (await response.ReadJsonAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"errors name {field}: {errors}");
    }

    /// <summary>The JSON body of a 200; otherwise fails with the status and the body.</summary>
    public static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.Clone();
    }
}
