using System.Net;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Tests.Infrastructure;

namespace Dashboard.Web.Tests.Hosting;

public sealed class DiagnosticsEndpointTests
{
    private const string Path = "/api/v1/diagnostics/memory";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_memory_reading_is_off_unless_configured()
    {
        await using var factory = new DashboardAppFactory();
        using var admin = await factory.CreateBearerClientAsync(DemoUsers.Admin);

        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(Path, Ct)).StatusCode);
    }

    [Fact]
    public async Task Configured_it_gives_an_admin_the_heap_per_generation_and_the_open_circuits_and_no_one_else_anything()
    {
        await using var factory = new DashboardAppFactory { Settings = new Dictionary<string, string> { ["Diagnostics:Memory"] = "true" } };
        using var anonymous = factory.CreateClient();
        using var operatorClient = await factory.CreateBearerClientAsync(DemoUsers.CityOperator);
        using var admin = await factory.CreateBearerClientAsync(DemoUsers.Admin);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(Path, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.GetAsync(Path, Ct)).StatusCode);
        var response = await admin.GetAsync(Path, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.ReadJsonAsync();
        var managed = json.GetProperty("managedBytes").GetInt64();
        var generations = json.GetProperty("generationBytes").EnumerateArray().Select(g => g.GetInt64()).ToArray();
        Assert.True(managed > 0);
        // Generations 0, 1 and 2, the large-object heap and the pinned one; together about the managed heap.
        Assert.Equal(5, generations.Length);
        Assert.All(generations, g => Assert.True(g >= 0));
        Assert.InRange(generations.Sum(), managed / 2, managed * 2);
        Assert.Equal(0, json.GetProperty("circuits").GetInt32());
    }
}
