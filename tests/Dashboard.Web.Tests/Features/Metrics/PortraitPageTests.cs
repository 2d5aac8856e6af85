using System.Text.Json;
using Bunit;
using Dashboard.Core.Accounts;
using Dashboard.Core.Jurisdictions;
using Dashboard.Core.Metrics;
using Dashboard.Data.Demo;
using Dashboard.Web.Features.Metrics;
using Dashboard.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Features.Metrics;

public sealed class PortraitPageTests : ComponentTestBase
{
    private readonly BunitJSModuleInterop _module;

    public PortraitPageTests()
    {
        _module = JSInterop.SetupModule(PortraitPage.ModulePath);
        _module.Mode = JSRuntimeMode.Strict;
        _module.SetupModule("radar", _ => true);
        _module.SetupModule("line", _ => true);
        _module.SetupVoid("update", _ => true).SetVoidResult();
        _module.SetupVoid("dispose", _ => true).SetVoidResult();
    }

    private NavigationManager Navigation => Services.GetRequiredService<NavigationManager>();

    private JurisdictionNode District => Tree.ChildrenOf(Tree.Root.Code)[0];

    private IReadOnlyList<JurisdictionNode> Townships => Tree.ChildrenOf(District.Code);

    /// <summary>The demo city with three past days of generated activity (the clock stands on 2026-11-23 in Shanghai).</summary>
    private async Task SeedHistoryAsync()
    {
        await SeedCityAsync();
        await new HistoryGenerator(Database).GenerateAsync(City, new DateOnly(2026, 11, 20), new DateOnly(2026, 11, 22), 400, 7, Xunit.TestContext.Current.CancellationToken);
    }

    private IRenderedComponent<PortraitPage> Open(string kind, string id, string query = "period=7d")
    {
        Navigation.NavigateTo($"/portraits/{kind}/{id}?{query}");
        return Render<PortraitPage>(p => p.Add(x => x.Kind, kind).Add(x => x.Id, id));
    }

    [Fact]
    public async Task A_township_portrait_draws_the_radar_of_its_scores_and_ranks_it_among_the_district_townships()
    {
        await SeedHistoryAsync();
        SignInAs(Roles.Leader, Tree.Root.Code);
        var township = Townships[1];
        var page = Open("township", township.Code);

        page.WaitForAssertion(() => Assert.Single(_module.Invocations["radar"]));
        var radar = JsonSerializer.SerializeToElement(_module.Invocations["radar"][0].Arguments[1]);
        Assert.Equal(["响应速度", "到达准时率", "工作量", "办结质量", "领域覆盖", "巡逻里程"],
            radar.GetProperty("indicators").EnumerateArray().Select(i => i.GetProperty("name").GetString()!));
        var series = Assert.Single(radar.GetProperty("series").EnumerateArray());
        Assert.Equal(township.Name, series.GetProperty("name").GetString());

        // The radar draws the scores the figures table prints.
        var scores = page.FindAll("table[data-table=figures] tr[data-dimension] td[data-score]").Take(6).Select(td => td.TextContent.Trim()).ToList();
        Assert.Equal(scores, series.GetProperty("values").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? "—" : v.GetDouble().ToString("0", System.Globalization.CultureInfo.CurrentCulture)));
        Assert.Contains(series.GetProperty("values").EnumerateArray(), v => v.ValueKind == JsonValueKind.Number && v.GetDouble() > 0);

        Assert.Equal(Townships.Select(t => t.Code).Order(), page.FindAll("table[data-table=ranking] tbody tr").Select(r => r.GetAttribute("data-id")!).Order());
        var self = page.Find("table[data-table=ranking] tr.ranking-self");
        Assert.Equal(township.Code, self.GetAttribute("data-id"));
        Assert.Equal(self.QuerySelector("td[data-rank]")!.TextContent.Trim(), page.Find("[data-rank]").GetAttribute("data-rank"));

        var line = JsonSerializer.SerializeToElement(Assert.Single(_module.Invocations["line"]).Arguments[1]);
        Assert.Equal(7, line.GetProperty("categories").GetArrayLength());
        Assert.Equal(City.Teams.Count(t => t.TownshipCode == township.Code), page.FindAll("[data-member]").Count);
    }

    [Fact]
    public async Task Comparing_with_a_peer_draws_two_series_and_two_columns()
    {
        await SeedHistoryAsync();
        SignInAs(Roles.Operator, District.Code);
        var page = Open("township", Townships[0].Code, $"period=30d&compare={Townships[2].Code}");

        page.WaitForAssertion(() => Assert.Single(_module.Invocations["radar"]));
        var radar = JsonSerializer.SerializeToElement(_module.Invocations["radar"][0].Arguments[1]);
        Assert.Equal([Townships[0].Name, Townships[2].Name], radar.GetProperty("series").EnumerateArray().Select(s => s.GetProperty("name").GetString()!));
        Assert.Equal(Townships[2].Code, page.Find("table[data-table=figures] th[data-compare]").GetAttribute("data-compare"));
        Assert.Equal(7, page.FindAll("table[data-table=figures] td[data-compare-score]").Count);
        var line = JsonSerializer.SerializeToElement(_module.Invocations["line"][0].Arguments[1]);
        Assert.Equal(2, line.GetProperty("series").GetArrayLength());
        Assert.Equal(30, line.GetProperty("categories").GetArrayLength());
    }

    [Fact]
    public async Task Switching_the_trend_dimension_updates_the_chart_and_leaving_disposes_both_charts()
    {
        await SeedHistoryAsync();
        SignInAs(Roles.Leader, Tree.Root.Code);
        var officer = City.Officers.First(o => o.TownshipCode == Townships[0].Code);
        var page = Open("officer", officer.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "period=7d&bucket=week");
        page.WaitForAssertion(() => Assert.Single(_module.Invocations["line"]));
        var weeks = JsonSerializer.SerializeToElement(_module.Invocations["line"][0].Arguments[1]);
        Assert.Equal(["11-17", "11-23"], weeks.GetProperty("categories").EnumerateArray().Select(c => c.GetString()!));

        var select = page.FindComponents<MudBlazor.MudSelect<string>>().Single(s => s.Instance.UserAttributes.TryGetValue("data-field", out var f) && Equals(f, "trend-dimension"));
        await page.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(PortraitDimensions.PatrolDistance.Key));
        var update = JsonSerializer.SerializeToElement(Assert.Single(_module.Invocations["update"]).Arguments[1]);
        Assert.StartsWith("巡逻里程", update.GetProperty("yName").GetString(), StringComparison.Ordinal);
        Assert.False(update.GetProperty("percent").GetBoolean());

        await page.Instance.DisposeAsync();
        Assert.Equal(2, _module.Invocations["dispose"].Count);
    }

    [Fact]
    public async Task A_township_viewer_cannot_open_a_portrait_outside_the_township()
    {
        await SeedCityAsync();
        SignInAs(Roles.Operator, Townships[0].Code);
        var foreign = City.Officers.First(o => o.TownshipCode == Townships[1].Code);
        var page = Open("officer", foreign.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        page.WaitForAssertion(() => Assert.Contains("不在您的管辖范围内", page.Find("[data-error=portrait]").TextContent, StringComparison.Ordinal));
        Assert.Empty(_module.Invocations["radar"]);

        var unknown = Open("team", "no-such-team");
        unknown.WaitForAssertion(() => Assert.Contains("未找到", unknown.Find("[data-error=portrait]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_ranking_of_a_township_viewer_lists_only_the_peers_in_scope()
    {
        await SeedHistoryAsync();
        SignInAs(Roles.Operator, Townships[0].Code);
        var page = Open("township", Townships[0].Code);

        page.WaitForAssertion(() => Assert.Single(_module.Invocations["radar"]));
        Assert.Equal([Townships[0].Code], page.FindAll("table[data-table=ranking] tbody tr").Select(r => r.GetAttribute("data-id")!));
        Assert.Contains($"另有 {Townships.Count - 1} 个同级单位", page.Markup, StringComparison.Ordinal);
    }
}
