using System.Net;
using Dashboard.Web.Tests.Infrastructure;

namespace Dashboard.Web.Tests.Hosting;

public sealed class OpenApiTests : IClassFixture<DashboardAppFactory>
{
    private readonly DashboardAppFactory _factory;

    public OpenApiTests(DashboardAppFactory factory) => _factory = factory;

    [Fact]
    public async Task The_openapi_document_describes_the_v1_api()
    {
        using var client = _factory.CreateClient();

        var response = await client.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = (await response.ReadJsonAsync()).GetProperty("paths");
        foreach (var path in new[] { "/api/v1/auth/token", "/api/v1/incidents", "/api/v1/incidents/{id}", "/api/v1/categories" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is documented");
        }

        Assert.True(paths.GetProperty("/api/v1/incidents").TryGetProperty("post", out var post));
        Assert.True(post.GetProperty("responses").TryGetProperty("201", out _));
    }
}
