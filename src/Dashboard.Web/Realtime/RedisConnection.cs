using Dashboard.Web.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Dashboard.Web.Realtime;

/// <summary>
/// The one Redis connection of this node, shared by the SignalR backplane and the live-event bus. It never throws for an
/// unreachable server: it keeps reconnecting in the background and reports its state for the health check.
/// </summary>
public sealed class RedisConnection : IAsyncDisposable
{
    private readonly ConfigurationOptions _configuration;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisConnection> _logger;
    private readonly Lazy<Task<IConnectionMultiplexer>> _multiplexer;
    private volatile ConnectionState _state;

    public RedisConnection(IOptions<RedisScaleOutOptions> options, TimeProvider time, ILogger<RedisConnection> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        _configuration = ConfigurationOptions.Parse(value.Configuration);
        // Start (and keep running) without Redis: the node degrades to local delivery instead of failing to boot.
        _configuration.AbortOnConnectFail = false;
        // While Redis is away, fail at once instead of queueing: stale events would arrive late, and hub sends would wait for timeouts.
        _configuration.BacklogPolicy = BacklogPolicy.FailFast;
        _configuration.ChannelPrefix = RedisChannel.Literal(value.ChannelPrefix + ":");
        _time = time;
        _logger = logger;
        NodeId = string.IsNullOrWhiteSpace(value.NodeId) ? Environment.MachineName + "-" + Guid.NewGuid().ToString("N")[..8] : value.NodeId;
        _state = new ConnectionState(false, Endpoint, time.GetUtcNow(), null);
        _multiplexer = new(ConnectAsync);
    }

    public string NodeId { get; }

    /// <summary>Whether this node's live-event subscription is in place: connected but not subscribed still misses other nodes' events.</summary>
    public bool EventsSubscribed { get; internal set; }

    public string Endpoint => string.Join(",", _configuration.EndPoints.Select(e => e.ToString()));

    /// <summary>Connected is read live from the multiplexer; since when and why from its last failure or restore.</summary>
    public ConnectionState State =>
        _multiplexer is { IsValueCreated: true, Value.IsCompletedSuccessfully: true } ? _state with { Connected = _multiplexer.Value.Result.IsConnected } : _state;

    /// <summary>Raised after the connection came back; subscribers resync what they missed meanwhile.</summary>
    public event Action? Restored;

    public Task<IConnectionMultiplexer> GetAsync() => _multiplexer.Value;

    private async Task<IConnectionMultiplexer> ConnectAsync()
    {
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(_configuration);
        multiplexer.ConnectionFailed += (_, e) =>
        {
            if (_state.Connected && _logger.IsEnabled(LogLevel.Warning))
            {
                _logger.LogWarning(e.Exception, "Redis connection to {Endpoint} lost ({FailureType}): local delivery only until it is back", e.EndPoint, e.FailureType);
            }

            _state = new ConnectionState(false, Endpoint, _time.GetUtcNow(), e.FailureType.ToString());
        };
        multiplexer.ConnectionRestored += (_, e) =>
        {
            // Events are received on the subscription connection: what was published while it was down must come from the database.
            if (e.ConnectionType == ConnectionType.Subscription)
            {
                if (_logger.IsEnabled(LogLevel.Information))
                {
                    _logger.LogInformation("Redis connection to {Endpoint} restored", e.EndPoint);
                }

                _state = new ConnectionState(true, Endpoint, _time.GetUtcNow(), null);
                Restored?.Invoke();
            }
        };
        if (multiplexer.IsConnected)
        {
            _state = new ConnectionState(true, Endpoint, _time.GetUtcNow(), null);
        }
        else
        {
            _logger.LogWarning("Redis at {Endpoint} is not reachable yet: local delivery only until it is", Endpoint);
        }

        return multiplexer;
    }

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer.IsValueCreated)
        {
            await (await _multiplexer.Value).DisposeAsync();
        }
    }

    public sealed record ConnectionState(bool Connected, string Endpoint, DateTimeOffset Since, string? Failure);
}
