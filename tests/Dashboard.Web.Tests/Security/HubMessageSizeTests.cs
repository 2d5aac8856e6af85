using Dashboard.Web.Features.Account;
using Dashboard.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dashboard.Web.Tests.Security;

public sealed class HubMessageSizeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_oversized_hub_invocation_closes_that_connection_and_the_hub_keeps_serving()
    {
        await using var factory = new LoggedAppFactory();
        await using var client = await HubClient.ConnectAsync(factory, DemoUsers.CityOperator);
        Assert.Equal(32 * 1024, factory.Services.GetRequiredService<IOptions<HubOptions>>().Value.MaximumReceiveMessageSize);

        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Connection.Closed += e =>
        {
            closed.TrySetResult(e);
            return Task.CompletedTask;
        };
        var call = client.Connection.InvokeAsync("JoinScope", new string('3', 64 * 1024), Ct);

        await Assert.ThrowsAnyAsync<Exception>(() => call);
        var reason = await closed.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.NotNull(reason);
        Assert.Equal(HubConnectionState.Disconnected, client.Connection.State);

        // Only the offending connection goes: the next client still calls the hub.
        await using var next = await HubClient.ConnectAsync(factory, DemoUsers.CityOperator);
        Assert.Empty(await next.Connection.InvokeAsync<IReadOnlyList<Dashboard.Web.Realtime.LiveEvent>>("GetEventsSince", long.MaxValue - 1, Ct));
        // SignalR names the cause at Debug and nothing reaches Error: the refusal is routine, not a server fault.
        Assert.Contains(factory.Logs.Entries, e => e.Exception?.Contains("maximum message size of 32768B was exceeded", StringComparison.Ordinal) == true);
        Assert.DoesNotContain(factory.Logs.Entries, e => e.Level >= LogLevel.Error);
    }
}
