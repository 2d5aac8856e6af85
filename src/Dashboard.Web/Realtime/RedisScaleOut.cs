using System.Text.Json;
using System.Text.Json.Serialization;
using Dashboard.Data.Incidents;
using Dashboard.Web.Features.Dispatch;
using Dashboard.Web.Hosting;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using StackExchange.Redis;

namespace Dashboard.Web.Realtime;

/// <summary>
/// Carries live events between nodes over Redis pub/sub: each event committed here is published once (JSON with its seq and
/// this node's id); each one from another node goes through the <see cref="EventSequencer"/> into the local notifier, so
/// dashboards, the SLA monitor and the task board see it as if it had happened here. Hub clients are reached by the
/// SignalR backplane from the originating node, not from here.
/// </summary>
public sealed class RedisScaleOut(
    RedisConnection redis,
    IncidentNotifier notifier,
    EventSequencer sequencer,
    IncidentRepository incidents,
    TaskBoard board,
    ILogger<RedisScaleOut> logger) : IHostedService, IDisposable
{
    public const string EventsChannel = "events";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _subscribing = new(1, 1);
    private ChannelMessageQueue? _queue;
    private IDisposable? _remoteTasks;
    private Task? _sequencing;
    private bool _warned;

    private static readonly TimeSpan RetryFirst = TimeSpan.FromMilliseconds(250);

    private static readonly TimeSpan RetryMax = TimeSpan.FromSeconds(5);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Before anything publishes (registered ahead of the dispatch and SLA hosts): the stream starts after what is committed now.
        var last = await incidents.MaxSeqAsync(cancellationToken);
        _sequencing = Task.Run(() => sequencer.RunAsync(last, _stop.Token), CancellationToken.None);
        _remoteTasks = notifier.SubscribeRemote(ApplyRemoteTasks);
        redis.Restored += OnRestored;
        if (!await TrySubscribeAsync(_stop.Token))
        {
            CatchUpInBackground();
        }

        notifier.RouteThrough(e =>
        {
            sequencer.Accept(e, EventOrigin.Local);
            _ = PublishAsync(e);
        });
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        redis.Restored -= OnRestored;
        _remoteTasks?.Dispose();
        await _stop.CancelAsync();
        if (_queue is { } queue)
        {
            try
            {
                await queue.UnsubscribeAsync();
            }
            catch (RedisException)
            {
                // Redis is down: there is nothing to unsubscribe from.
            }
        }

        if (_sequencing is { } sequencing)
        {
            await sequencing.WaitAsync(cancellationToken);
        }
    }

    private async Task PublishAsync(LiveEvent e)
    {
        try
        {
            var multiplexer = await redis.GetAsync();
            var message = JsonSerializer.Serialize(new Envelope(redis.NodeId, e), Json);
            await multiplexer.GetSubscriber().PublishAsync(RedisChannel.Literal(EventsChannel), message);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            // At-most-once anyway: other nodes notice the hole on a later event or on reconnect and read it from the database.
            if (logger.IsEnabled(LogLevel.Debug))
            {
                logger.LogDebug(ex, "Live event {Seq} not published to Redis", e.Seq);
            }
        }
    }

    /// <summary>
    /// Subscribes (again, retrying until Redis takes it or the node stops), then reads from the database what was committed
    /// meanwhile. A reconnect event alone is not enough: the first SUBSCRIBE after Redis returns can still fail while the
    /// connection finishes its handshake, and no second event would come.
    /// </summary>
    private void CatchUpInBackground()
    {
        var stop = _stop.Token;
        _ = Task.Run(async () =>
        {
            var delay = RetryFirst;
            while (!await TrySubscribeAsync(stop))
            {
                try
                {
                    await Task.Delay(delay, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, RetryMax.Ticks));
            }

            if (!stop.IsCancellationRequested)
            {
                sequencer.RequestResync();
            }
        }, CancellationToken.None);
    }

    /// <returns>false while Redis refuses; true once subscribed, or when the node is stopping.</returns>
    private async Task<bool> TrySubscribeAsync(CancellationToken stop)
    {
        try
        {
            await _subscribing.WaitAsync(stop);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            return true;
        }

        try
        {
            if (_queue is not null || stop.IsCancellationRequested)
            {
                return true;
            }

            var multiplexer = await redis.GetAsync();
            var queue = await multiplexer.GetSubscriber().SubscribeAsync(RedisChannel.Literal(EventsChannel));
            queue.OnMessage(OnMessage);
            _queue = queue;
            redis.EventsSubscribed = true;
            _warned = false;
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Until then this node delivers its own events only; warn once per outage, not once per retry.
            if (!_warned)
            {
                _warned = true;
                logger.LogWarning(ex, "Could not subscribe to Redis live events yet: retrying");
            }

            return false;
        }
        finally
        {
            _subscribing.Release();
        }
    }

    private void OnMessage(ChannelMessage message)
    {
        Envelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize<Envelope>(message.Message.ToString(), Json);
        }
        catch (JsonException ex)
        {
            logger.LogWarning(ex, "Ignored a malformed live-event message on Redis");
            return;
        }

        // Our own events were delivered locally when they were published.
        if (envelope is { Event: { } e } && envelope.Node != redis.NodeId)
        {
            sequencer.Accept(e, EventOrigin.Remote);
        }
    }

    private void OnRestored() => CatchUpInBackground();

    private Task ApplyRemoteTasks(IReadOnlyList<LiveEvent> batch)
    {
        // The originating node applied its command to its own board; the other nodes learn of the task from the event.
        foreach (var e in batch)
        {
            if (e.Task is { } task)
            {
                board.Apply(task, e.Incident);
            }
        }

        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _stop.Dispose();
        _subscribing.Dispose();
    }

    internal sealed record Envelope(string Node, LiveEvent Event);
}

public static class RedisScaleOutRegistration
{
    /// <summary>Nothing without <c>Redis:Configuration</c>; with it, the SignalR backplane and the live-event bus over Redis.</summary>
    public static IServiceCollection AddRedisScaleOut(this IServiceCollection services, IConfiguration config)
    {
        var section = config.GetSection(RedisScaleOutOptions.Section);
        services.Configure<RedisScaleOutOptions>(section);
        if (!(section.Get<RedisScaleOutOptions>() ?? new RedisScaleOutOptions()).Enabled)
        {
            return services;
        }

        services.AddSingleton<RedisConnection>();
        services.AddSingleton<EventSequencer>();
        services.AddHostedService<RedisScaleOut>();
        services.AddSignalR().AddStackExchangeRedis();
        // One connection for both: the backplane and the events share the prefix, the state and the health check.
        services.AddOptions<RedisOptions>().Configure<RedisConnection>((o, redis) => o.ConnectionFactory = _ => redis.GetAsync());
        services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        return services;
    }
}
