using System.Collections.Concurrent;
using Dashboard.Web.Realtime;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Infrastructure;

/// <summary>A real SignalR client (Microsoft.AspNetCore.SignalR.Client) connected to the test server with a bearer token.</summary>
public sealed class HubClient : IAsyncDisposable
{
    private HubClient(HubConnection connection) => Connection = connection;

    public HubConnection Connection { get; }

    public ConcurrentQueue<(string Method, LiveEvent Event)> Received { get; } = new();

    /// <summary>Every method of <see cref="ICommandClient"/>: the client records whatever the server sends.</summary>
    public static IReadOnlyList<string> Methods { get; } = typeof(ICommandClient).GetMethods().Select(m => m.Name).ToArray();

    public static async Task<HubClient> ConnectAsync(DashboardAppFactory factory, string userName)
    {
        ArgumentNullException.ThrowIfNull(factory);
        using var api = factory.CreateClient();
        var token = await api.TokenAsync(userName);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(factory.Server.BaseAddress, "hubs/command"), o =>
            {
                o.HttpMessageHandlerFactory = _ => factory.Server.CreateHandler();
                o.Transports = HttpTransportType.LongPolling;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()))
            .Build();
        return await StartAsync(connection);
    }

    /// <summary>A client of an app listening on a real socket (Kestrel), over WebSockets.</summary>
    public static async Task<HubClient> ConnectAsync(Uri baseAddress, string token)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, "hubs/command"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()))
            .Build();
        return await StartAsync(connection);
    }

    private static async Task<HubClient> StartAsync(HubConnection connection)
    {
        var client = new HubClient(connection);
        foreach (var method in Methods)
        {
            connection.On<LiveEvent>(method, e => client.Received.Enqueue((method, e)));
        }

        await connection.StartAsync(TestContext.Current.CancellationToken);
        // StartAsync returns at the handshake, before the hub's OnConnectedAsync has put the connection in its scope's group
        // (with Redis, a SUBSCRIBE): an event published meanwhile misses it. The server answers an invocation only after
        // OnConnectedAsync, so one round trip means the client is in its group.
        try
        {
            await connection.InvokeAsync<IReadOnlyList<LiveEvent>>(nameof(CommandHub.GetEventsSince), long.MaxValue, TestContext.Current.CancellationToken);
        }
        catch (HubException)
        {
            // A caller without a scope is refused here, which is an answer all the same.
        }

        return client;
    }

    /// <summary>Waits until an event for the incident arrives, or fails after the timeout.</summary>
    public Task<(string Method, LiveEvent Event)> WaitForAsync(long incidentId, TimeSpan? timeout = null) =>
        WaitForAsync(r => r.Event.Incident.Id == incidentId, $"no event for incident {incidentId} within the timeout", timeout);

    /// <summary>Waits until a <paramref name="method"/> call carrying an event of <paramref name="type"/> for the incident arrives.</summary>
    public Task<(string Method, LiveEvent Event)> WaitForAsync(long incidentId, string method, string type, TimeSpan? timeout = null) =>
        WaitForAsync(
            r => r.Event.Incident.Id == incidentId && r.Method == method && r.Event.Type == type,
            $"no {method}({type}) for incident {incidentId} within the timeout",
            timeout);

    /// <summary>Waits until a received call matches, or fails after the timeout.</summary>
    public async Task<(string Method, LiveEvent Event)> WaitForAsync(Func<(string Method, LiveEvent Event), bool> match, string failure, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(match);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < deadline)
        {
            var hit = Received.FirstOrDefault(match);
            if (hit.Event is not null)
            {
                return hit;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException(failure);
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
