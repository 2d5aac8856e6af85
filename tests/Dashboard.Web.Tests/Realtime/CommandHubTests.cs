using System.Net.Http.Json;
using Dashboard.Core.Accounts;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Realtime;
using Dashboard.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Dashboard.Web.Tests.Realtime;

public sealed class CommandHubTests : IClassFixture<DashboardAppFactory>
{
    private readonly DashboardAppFactory _factory;

    public CommandHubTests(DashboardAppFactory factory) => _factory = factory;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(long Id, long Seq)> ReportAsync(string userName, Dashboard.Core.Jurisdictions.JurisdictionNode township)
    {
        using var client = await _factory.CreateBearerClientAsync(userName);
        var (lat, lon) = _factory.PointIn(township, 5);
        var response = await client.PostAsJsonAsync("/api/v1/incidents",
            new { clientId = Guid.NewGuid().ToString("N"), category = "FXCD", description = "楼道飞线充电", lat, lon }, Ct);
        response.EnsureSuccessStatusCode();
        var id = (await response.ReadJsonAsync()).GetProperty("id").GetInt64();
        var detail = await (await client.GetAsync($"/api/v1/incidents/{id}", Ct)).ReadJsonAsync();
        return (id, detail.GetProperty("events")[0].GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task In_scope_clients_receive_IncidentReported_with_its_seq_and_an_out_of_scope_client_receives_nothing()
    {
        var foreignOperator = "op_" + Guid.NewGuid().ToString("N")[..8];
        await _factory.CreateUserAsync(foreignOperator, Roles.Operator, _factory.ForeignTownship().Code);
        await using var township = await HubClient.ConnectAsync(_factory, DemoUsers.TownshipOperator);
        await using var district = await HubClient.ConnectAsync(_factory, DemoUsers.DistrictOperator);
        await using var city = await HubClient.ConnectAsync(_factory, DemoUsers.CityOperator);
        await using var outsider = await HubClient.ConnectAsync(_factory, foreignOperator);

        var (id, seq) = await ReportAsync(DemoUsers.GridCaptain, _factory.HomeTownship());

        foreach (var client in new[] { township, district, city })
        {
            var (method, e) = await client.WaitForAsync(id);
            Assert.Equal(nameof(ICommandClient.IncidentReported), method);
            Assert.Equal(seq, e.Seq);
            Assert.Equal("FXCD", e.Incident.CategoryCode);
            Assert.Equal(_factory.HomeTownship().Code, e.Incident.TownshipCode);
        }

        // Give a wrongly routed message every chance to arrive before asserting it did not.
        await Task.Delay(500, Ct);
        Assert.DoesNotContain(outsider.Received, r => r.Event.Incident.Id == id);
    }

    [Fact]
    public async Task A_client_that_was_offline_catches_up_with_GetEventsSince_in_its_scope_only()
    {
        await using var first = await HubClient.ConnectAsync(_factory, DemoUsers.TownshipOperator);
        var lastSeen = (await first.Connection.InvokeAsync<IReadOnlyList<LiveEvent>>("GetEventsSince", 0L, Ct))
            .Select(e => e.Seq).DefaultIfEmpty(0).Max();
        await first.Connection.StopAsync(Ct);

        var (mine1, seq1) = await ReportAsync(DemoUsers.GridCaptain, _factory.HomeTownship());
        var (foreign, _) = await ReportAsync(DemoUsers.CityOperator, _factory.ForeignTownship());
        var (mine2, seq2) = await ReportAsync(DemoUsers.TownshipOperator, _factory.HomeTownship());

        await using var again = await HubClient.ConnectAsync(_factory, DemoUsers.TownshipOperator);
        var missed = await again.Connection.InvokeAsync<IReadOnlyList<LiveEvent>>("GetEventsSince", lastSeen, Ct);

        Assert.Equal([mine1, mine2], missed.Select(e => e.Incident.Id).ToArray());
        Assert.Equal([seq1, seq2], missed.Select(e => e.Seq).ToArray());
        Assert.DoesNotContain(missed, e => e.Incident.Id == foreign);
        Assert.True(seq1 > lastSeen && seq2 > seq1);
    }

    [Fact]
    public async Task A_township_user_cannot_join_another_townships_group_but_a_district_user_can_join_its_own_townships()
    {
        await using var township = await HubClient.ConnectAsync(_factory, DemoUsers.TownshipOperator);
        var error = await Assert.ThrowsAsync<HubException>(() =>
            township.Connection.InvokeAsync("JoinScope", _factory.ForeignTownship().Code, Ct));
        Assert.Contains("forbidden", error.Message, StringComparison.Ordinal);

        var upward = await Assert.ThrowsAsync<HubException>(() =>
            township.Connection.InvokeAsync("JoinScope", _factory.HomeTownship().ParentCode, Ct));
        Assert.Contains("forbidden", upward.Message, StringComparison.Ordinal);

        await using var district = await HubClient.ConnectAsync(_factory, DemoUsers.DistrictOperator);
        await district.Connection.InvokeAsync("JoinScope", _factory.HomeTownship().Code, Ct);
    }

    [Fact]
    public async Task Anonymous_hub_connection_is_refused()
    {
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(_factory.Server.BaseAddress, "hubs/command"), o =>
            {
                o.HttpMessageHandlerFactory = _ => _factory.Server.CreateHandler();
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.LongPolling;
            })
            .Build();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync(Ct));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, error.StatusCode);
    }
}
