using Dashboard.Core.Accounts;
using Dashboard.Core.Dispatch;
using Dashboard.Core.Incidents;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Features.Sla;
using Dashboard.Web.Realtime;
using Dashboard.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Features.Dispatch;

/// <summary>Dispatch and SLA events reach real SignalR clients of the incident's tiers, and nobody else.</summary>
public sealed class DispatchHubTests : IClassFixture<DashboardAppFactory>
{
    private readonly DashboardAppFactory _factory;

    public DispatchHubTests(DashboardAppFactory factory) => _factory = factory;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task In_scope_clients_receive_dispatch_accept_breach_and_escalation_in_seq_order_and_an_outsider_receives_none()
    {
        var foreign = "op_" + Guid.NewGuid().ToString("N")[..8];
        await _factory.CreateUserAsync(foreign, Roles.Operator, _factory.ForeignTownship().Code);
        var officer = _factory.OfficersOf(_factory.HomeTownship())[12];
        using var op = await _factory.CreateBearerClientAsync(DemoUsers.TownshipOperator);
        using var phone = await _factory.OfficerClientAsync(officer);
        await using var township = await HubClient.ConnectAsync(_factory, DemoUsers.TownshipOperator);
        await using var district = await HubClient.ConnectAsync(_factory, DemoUsers.DistrictOperator);
        await using var outsider = await HubClient.ConnectAsync(_factory, foreign);
        var (id, _, _) = await _factory.ReportAsync(op, _factory.HomeTownship(), grid: 11);

        var dispatchedReply = await op.CommandAsync($"/api/v1/incidents/{id}/dispatch", new { officerId = officer.Id });
        dispatchedReply.EnsureSuccessStatusCode();
        var taskId = (await dispatchedReply.ReadJsonAsync()).GetProperty("task").GetProperty("id").GetInt64();
        (await phone.CommandAsync($"/api/v1/tasks/{taskId}/accept")).EnsureSuccessStatusCode();

        var (_, dispatched) = await township.WaitForAsync(id, nameof(ICommandClient.TaskDispatched), IncidentEventTypes.Dispatched);
        Assert.NotNull(dispatched.Task);
        Assert.Equal(taskId, dispatched.Task.Id);
        Assert.Equal(officer.Id, dispatched.Task.Assignee.OfficerId);
        Assert.Equal(DispatchTaskStatus.Dispatched, dispatched.Task.Status);
        Assert.Equal(IncidentStatus.Dispatched, dispatched.Incident.Status);

        var (_, accepted) = await township.WaitForAsync(id, nameof(ICommandClient.TaskUpdated), IncidentEventTypes.Accepted);
        Assert.Equal(DispatchTaskStatus.Accepted, accepted.Task?.Status);
        Assert.Equal(IncidentStatus.Accepted, accepted.Incident.Status);

        // Five minutes without arrival: the monitor (its own timer, or this explicit check) records the breach and escalates.
        _factory.Time.Advance(TimeSpan.FromSeconds(300));
        var monitor = _factory.Services.GetRequiredService<SlaMonitor>();
        await DispatchApi.WaitUntilAsync(async () =>
        {
            await monitor.CheckAsync(Ct);
            return township.Received.Any(r => r.Event.Incident.Id == id && r.Method == nameof(ICommandClient.IncidentEscalated));
        }, "no IncidentEscalated reached the township client");
        var (_, breached) = await township.WaitForAsync(id, nameof(ICommandClient.SlaBreached), IncidentEventTypes.SlaBreached);
        var (_, escalated) = await township.WaitForAsync(id, nameof(ICommandClient.IncidentEscalated), IncidentEventTypes.Escalated);
        Assert.Equal("system", breached.Actor);
        Assert.Contains("\"clock\":\"Arrival\"", breached.Payload, StringComparison.Ordinal);
        Assert.Equal(_factory.HomeTownship().ParentCode, escalated.Incident.OwnerCode);

        Assert.True(dispatched.Seq < accepted.Seq, "accepted after dispatched");
        Assert.True(accepted.Seq < breached.Seq, "breached after accepted");
        Assert.True(breached.Seq < escalated.Seq, "escalated after breached");

        // The district above sees the same events with the same seqs.
        foreach (var (method, type, seq) in new[]
        {
            (nameof(ICommandClient.TaskDispatched), IncidentEventTypes.Dispatched, dispatched.Seq),
            (nameof(ICommandClient.TaskUpdated), IncidentEventTypes.Accepted, accepted.Seq),
            (nameof(ICommandClient.SlaBreached), IncidentEventTypes.SlaBreached, breached.Seq),
            (nameof(ICommandClient.IncidentEscalated), IncidentEventTypes.Escalated, escalated.Seq),
        })
        {
            Assert.Equal(seq, (await district.WaitForAsync(id, method, type)).Event.Seq);
        }

        // A barrier the outsider must receive: the relay sends in seq order, so a misrouted earlier event would be there by now.
        using var city = await _factory.CreateBearerClientAsync(DemoUsers.CityOperator);
        var (barrier, _, _) = await _factory.ReportAsync(city, _factory.ForeignTownship(), grid: 1);
        await outsider.WaitForAsync(barrier);
        Assert.DoesNotContain(outsider.Received, r => r.Event.Incident.Id == id);
        Assert.DoesNotContain(township.Received, r => r.Event.Incident.Id == barrier);
    }
}
