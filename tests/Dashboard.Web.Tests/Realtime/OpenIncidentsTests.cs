using Bunit;
using Dapper;
using Dashboard.Core.Incidents;
using Dashboard.Core.Jurisdictions;
using Dashboard.Web.Features.Map;
using Dashboard.Web.Features.Queue;
using Dashboard.Web.Realtime;
using Dashboard.Web.Tests.Infrastructure;

namespace Dashboard.Web.Tests.Realtime;

public sealed class OpenIncidentsTests : ComponentTestBase
{
    [Fact]
    public async Task The_table_loads_the_scopes_open_incidents_from_the_database_and_leaves_out_ended_and_other_scopes()
    {
        await SeedCityAsync();
        var mine = await ReportAsync(TownshipAt(0), "ZDJY");
        var closed = await ReportAsync(TownshipAt(0), "ZDJY", grid: 1);
        await using (var connection = await Database.OpenAsync(Xunit.TestContext.Current.CancellationToken))
        {
            await connection.ExecuteAsync("UPDATE incidents SET status = @Status WHERE id = @Id", new { closed.Id, Status = (int)IncidentStatus.Closed });
        }

        await ReportAsync(TownshipAt(5), "ZDJY");

        using var lease = await OpenIncidents.AcquireAsync(TownshipAt(0), Xunit.TestContext.Current.CancellationToken);

        Assert.Equal([mine.Id], lease.Items.Keys.ToArray());
    }

    [Fact]
    public async Task Consoles_of_one_scope_share_one_table_and_the_last_to_leave_drops_it()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var first = await OpenIncidents.AcquireAsync(TownshipAt(0), ct);
        var second = await OpenIncidents.AcquireAsync(TownshipAt(0), ct);
        using var other = await OpenIncidents.AcquireAsync(TownshipAt(1), ct);

        Assert.Same(first.Table, second.Table);
        Assert.NotSame(first.Table, other.Table);
        Assert.Equal(2, OpenIncidents.TableCount);
        first.Dispose();
        first.Dispose();
        Assert.Equal(2, OpenIncidents.TableCount);
        second.Dispose();
        Assert.Equal(1, OpenIncidents.TableCount);
    }

    [Fact]
    public async Task An_event_is_in_the_table_before_any_subscriber_of_its_scope_hears_of_it()
    {
        using var lease = await OpenIncidents.AcquireAsync(TownshipAt(0), Xunit.TestContext.Current.CancellationToken);
        var seen = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = Notifier.Subscribe(TownshipAt(0).Code, batch =>
        {
            seen.TrySetResult(batch.All(e => lease.Items.TryGetValue(e.Incident.Id, out var held) && held.LastSeq == e.Incident.LastSeq));
            return Task.CompletedTask;
        });

        Publish(NewIncident(7, TownshipAt(0)));
        Publish(NewIncident(8, TownshipAt(3)));

        Assert.True(await seen.Task.WaitAsync(TimeSpan.FromSeconds(10), Xunit.TestContext.Current.CancellationToken));
        Assert.Equal([7L], lease.Items.Keys.ToArray());
    }

    [Fact]
    public async Task A_late_event_neither_rolls_an_incident_back_nor_brings_an_ended_one_back()
    {
        using var lease = await OpenIncidents.AcquireAsync(TownshipAt(0), Xunit.TestContext.Current.CancellationToken);
        var reported = NewIncident(9, TownshipAt(0));
        var contacted = reported with { Status = IncidentStatus.Contacted, LastSeq = reported.LastSeq + 10 };
        var closed = reported with { Status = IncidentStatus.Closed, LastSeq = reported.LastSeq + 20 };

        lease.Table.Offer(contacted);
        lease.Table.Offer(reported);
        Assert.Equal(IncidentStatus.Contacted, lease.Items[9].Status);

        lease.Table.Offer(closed);
        lease.Table.Offer(contacted);
        Assert.Empty(lease.Items);

        var reopened = reported with { Status = IncidentStatus.Reported, LastSeq = closed.LastSeq + 1 };
        lease.Table.Offer(reopened);
        Assert.Same(reopened, lease.Items[9]);
    }

    [Fact]
    public async Task A_queue_and_a_map_of_one_scope_read_one_table_and_release_it_when_they_go()
    {
        var module = JSInterop.SetupModule(LiveMap.ModulePath);
        module.SetupModule("create", _ => true);
        var queue = Render<LiveQueue>(p => p.Add(q => q.Scope, TownshipAt(0)));
        var map = Render<LiveMap>(p => p.Add(m => m.Scope, TownshipAt(0)));
        map.WaitForAssertion(() => Assert.Single(module.Invocations["setIncidents"]));
        Assert.Equal(1, OpenIncidents.TableCount);

        Publish(NewIncident(11, TownshipAt(0)));
        queue.WaitForAssertion(() => Assert.Single(queue.FindAll(".queue-row")));

        queue.Instance.Dispose();
        Assert.Equal(1, OpenIncidents.TableCount);
        await map.Instance.DisposeAsync();
        Assert.Equal(0, OpenIncidents.TableCount);
    }
}
