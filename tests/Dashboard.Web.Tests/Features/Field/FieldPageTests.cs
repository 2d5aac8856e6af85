using System.Globalization;
using System.Net;
using Dashboard.Core.Accounts;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Tests.Infrastructure;

namespace Dashboard.Web.Tests.Features.Field;

/// <summary>/field through the real app: cookie sign-in, role check and the server-rendered page.</summary>
public sealed class FieldPageTests : IClassFixture<DashboardAppFactory>
{
    private readonly DashboardAppFactory _factory;

    public FieldPageTests(DashboardAppFactory factory) => _factory = factory;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_signed_in_officer_gets_a_page_with_their_current_task_and_the_accept_button()
    {
        var officer = _factory.OfficersOf(_factory.HomeTownship())[8];
        var userName = "of_" + Guid.NewGuid().ToString("N")[..10];
        await _factory.CreateUserAsync(userName, Roles.Officer, officer.TownshipCode, officer.Id);
        using var op = await _factory.CreateBearerClientAsync(DemoUsers.TownshipOperator);
        var (id, _, _) = await _factory.ReportAsync(op, _factory.HomeTownship(), grid: 2);
        var dispatched = await op.CommandAsync($"/api/v1/incidents/{id}/dispatch", new { officerId = officer.Id });
        dispatched.EnsureSuccessStatusCode();
        var taskId = (await dispatched.ReadJsonAsync()).GetProperty("task").GetProperty("id").GetInt64();
        using var browser = await BrowserSession.SignedInClientAsync(_factory, userName);

        var page = await browser.GetPageAsync("/field", Ct);

        Assert.Contains($"data-task=\"{taskId.ToString(CultureInfo.InvariantCulture)}\"", page, StringComparison.Ordinal);
        Assert.Contains("data-status=\"Dispatched\"", page, StringComparison.Ordinal);
        Assert.Contains("data-action=\"accept\"", page, StringComparison.Ordinal);
        Assert.Contains("接受任务", page, StringComparison.Ordinal);
        Assert.Contains(officer.Name, page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operator_is_not_let_into_the_field_page()
    {
        using var browser = await BrowserSession.SignedInClientAsync(_factory, DemoUsers.TownshipOperator);

        var response = await browser.GetAsync("/field", Ct);

        // Turned away by the role check before the page renders (to the cookie scheme's access-denied path).
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.DoesNotContain("data-action=\"accept\"", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
