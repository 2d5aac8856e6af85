using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Dashboard.Bench.Live;

/// <summary>Who a bench client is: the scope it joins on connect (its user's), and optionally one node below it that it also joins.</summary>
internal sealed record ClientSpec(int Index, string ScopeCode, string UserName, string? JoinCode);

/// <summary>
/// One SignalR client (WebSockets) that records, per report of the current phase, the Stopwatch time of the first
/// IncidentReported carrying it; repeats (a client in nested groups) are counted as duplicates, not as deliveries.
/// </summary>
internal sealed class LiveClient : IAsyncDisposable
{
    private static readonly string[] OtherMethods = ["IncidentUpdated", "TaskDispatched", "TaskUpdated", "SlaBreached", "IncidentEscalated"];

    private long[] _firstReceipt = [];
    private string _tag = "";
    private int _duplicates;
    private int _foreign;
    private int _other;
    private long _minSeq = long.MaxValue;

    private LiveClient(ClientSpec spec, HubConnection connection)
    {
        Spec = spec;
        Connection = connection;
    }

    public ClientSpec Spec { get; }

    public HubConnection Connection { get; }

    public int Duplicates => Volatile.Read(ref _duplicates);

    public int Foreign => Volatile.Read(ref _foreign);

    public int Other => Volatile.Read(ref _other);

    public long MinSeq => Interlocked.Read(ref _minSeq);

    /// <summary>A raw IncidentReported frame (the first one seen), the template the baseline copies.</summary>
    public string? Sample { get; private set; }

    public long Receipt(int report) => Volatile.Read(ref _firstReceipt[report]);

    public static async Task<LiveClient> ConnectAsync(ClientSpec spec, Uri hub, Func<Task<string?>>? token, CancellationToken ct)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(hub, o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                if (token is not null)
                {
                    o.AccessTokenProvider = token;
                }
            })
            .Build();
        connection.ServerTimeout = TimeSpan.FromSeconds(120);
        var client = new LiveClient(spec, connection);
        connection.On<JsonElement>("IncidentReported", client.OnReported);
        foreach (var method in OtherMethods)
        {
            connection.On<JsonElement>(method, _ => Interlocked.Increment(ref client._other));
        }

        await connection.StartAsync(ct);
        if (spec.JoinCode is not null)
        {
            await connection.InvokeAsync("JoinScope", spec.JoinCode, ct);
        }

        return client;
    }

    /// <summary>Starts recording for a phase whose reports carry clientIds "{tag}-{index}".</summary>
    public void Arm(string tag, int reports)
    {
        _firstReceipt = new long[reports];
        _tag = tag + "-";
    }

    private void OnReported(JsonElement e)
    {
        var now = Stopwatch.GetTimestamp();
        var clientId = e.TryGetProperty("incident", out var incident) && incident.TryGetProperty("clientId", out var c) ? c.GetString() : null;
        if (clientId is null || !clientId.StartsWith(_tag, StringComparison.Ordinal)
            || !int.TryParse(clientId.AsSpan(_tag.Length), System.Globalization.CultureInfo.InvariantCulture, out var k) || k >= _firstReceipt.Length)
        {
            Interlocked.Increment(ref _foreign);
            return;
        }

        if (Interlocked.CompareExchange(ref _firstReceipt[k], now, 0) != 0)
        {
            Interlocked.Increment(ref _duplicates);
        }

        if (e.TryGetProperty("seq", out var s) && s.TryGetInt64(out var seq) && seq < Interlocked.Read(ref _minSeq))
        {
            Interlocked.Exchange(ref _minSeq, seq);
        }

        Sample ??= e.GetRawText();
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
