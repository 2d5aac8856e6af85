using System.Threading.Channels;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Hosting;

namespace Dashboard.Web.Realtime;

/// <summary>
/// In-process fan-out of incident events to subscribers by jurisdiction scope. Each subscription drains its own
/// queue on its own loop: while a handler is busy (a circuit re-rendering), new events pile up and arrive as one
/// batch, so bursts are coalesced without delaying a lone event. Order is preserved per subscription.
/// With Redis scale-out, <see cref="Publish"/> is routed through the sequencer, which also brings other nodes' events here.
/// </summary>
public sealed class IncidentNotifier(
    CityDirectory directory, ILogger<IncidentNotifier> logger, DashboardMetrics? metrics = null, IncidentSnapshots? snapshots = null,
    OpenIncidents? openIncidents = null)
{
    private readonly Lock _gate = new();
    private Subscription[] _subscriptions = [];
    private Action<LiveEvent>? _router;

    public int SubscriberCount => Volatile.Read(ref _subscriptions).Length;

    /// <summary>Receives every event whose incident lies within <paramref name="scopeCode"/>. Dispose to stop.</summary>
    public IDisposable Subscribe(string scopeCode, Func<IReadOnlyList<LiveEvent>, Task> handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(scopeCode);
        return Add(scopeCode, handler);
    }

    /// <summary>Receives every event, whatever its place and whichever node committed it.</summary>
    public IDisposable SubscribeAll(Func<IReadOnlyList<LiveEvent>, Task> handler) => Add(null, handler);

    /// <summary>
    /// Receives only the events committed on this node, as soon as they are published (the hub relay: with a backplane,
    /// the originating node sends each event to hub clients once, for all nodes).
    /// </summary>
    public IDisposable SubscribeLocal(Func<IReadOnlyList<LiveEvent>, Task> handler) => Add(null, handler, origin: EventOrigin.Local);

    /// <summary>Receives only the events other nodes committed (state this node did not change itself, e.g. its task board).</summary>
    public IDisposable SubscribeRemote(Func<IReadOnlyList<LiveEvent>, Task> handler) => Add(null, handler, origin: EventOrigin.Remote);

    /// <summary>Scale-out: from now on local events go to <paramref name="router"/>, which hands them back through <see cref="Deliver"/>.</summary>
    public void RouteThrough(Action<LiveEvent> router) => Volatile.Write(ref _router, router);

    /// <summary>
    /// Receives the events <paramref name="filter"/> accepts, wherever their incident lies: an assignee's own tasks may be in
    /// any township. The filter runs on the publisher's thread; keep it cheap.
    /// </summary>
    public IDisposable Subscribe(Func<LiveEvent, bool> filter, Func<IReadOnlyList<LiveEvent>, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return Add(null, handler, filter);
    }

    private Subscription Add(string? scopeCode, Func<IReadOnlyList<LiveEvent>, Task> handler, Func<LiveEvent, bool>? filter = null, EventOrigin? origin = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var subscription = new Subscription(this, scopeCode, handler, filter, origin);
        lock (_gate)
        {
            _subscriptions = [.. _subscriptions, subscription];
        }

        subscription.Start();
        return subscription;
    }

    /// <summary>An event this node committed.</summary>
    public void Publish(LiveEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        metrics?.Committed(e);
        if (Volatile.Read(ref _router) is not { } router)
        {
            Deliver(e, EventOrigin.Local);
            return;
        }

        // Local-only subscribers need no ordering across nodes, so they do not wait for a resync.
        foreach (var subscription in Volatile.Read(ref _subscriptions))
        {
            if (subscription.Origin == EventOrigin.Local)
            {
                subscription.Enqueue(e);
            }
        }

        router(e);
    }

    /// <summary>Fans an event out to the subscribers it concerns; with scale-out, the sequencer calls this in seq order.</summary>
    public void Deliver(LiveEvent e, EventOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(e);
        // The version every subscriber receives becomes the one consoles opened later load too.
        snapshots?.Share(e.Incident);
        // Before any subscriber: a console handling this event reads the shared table with the event in it.
        openIncidents?.Apply(e.Incident);
        var routed = Volatile.Read(ref _router) is not null;
        var tree = directory.Tree;
        foreach (var subscription in Volatile.Read(ref _subscriptions))
        {
            if (subscription.Origin is { } only && (only != origin || (routed && only == EventOrigin.Local)))
            {
                continue;
            }

            if ((subscription.ScopeCode is null || tree.Concerns(e.Incident, subscription.ScopeCode)) && (subscription.Filter?.Invoke(e) ?? true))
            {
                subscription.Enqueue(e);
            }
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (_gate)
        {
            _subscriptions = _subscriptions.Where(s => !ReferenceEquals(s, subscription)).ToArray();
        }
    }

    private sealed class Subscription(
        IncidentNotifier owner, string? scopeCode, Func<IReadOnlyList<LiveEvent>, Task> handler, Func<LiveEvent, bool>? filter, EventOrigin? origin)
        : IDisposable
    {
        private readonly Channel<LiveEvent> _queue = Channel.CreateUnbounded<LiveEvent>(new() { SingleReader = true });
        private readonly CancellationTokenSource _stop = new();
        private int _disposed;

        public string? ScopeCode { get; } = scopeCode;

        public Func<LiveEvent, bool>? Filter { get; } = filter;

        public EventOrigin? Origin { get; } = origin;

        public void Enqueue(LiveEvent e) => _queue.Writer.TryWrite(e);

        public void Start() => _ = Task.Run(PumpAsync);

        private async Task PumpAsync()
        {
            var reader = _queue.Reader;
            try
            {
                while (await reader.WaitToReadAsync(_stop.Token))
                {
                    var batch = new List<LiveEvent>();
                    while (reader.TryRead(out var e))
                    {
                        batch.Add(e);
                    }

                    try
                    {
                        await handler(batch);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // One faulty subscriber (a circuit gone bad) must not stop the others or this loop.
                        owner.LogHandlerFailure(ex, ScopeCode ?? "*");
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }

            owner.Remove(this);
            _queue.Writer.TryComplete();
            _stop.Cancel();
            _stop.Dispose();
        }
    }

    private void LogHandlerFailure(Exception ex, string? scope) =>
        logger.LogWarning(ex, "A live-event subscriber for scope {Scope} failed", scope);
}

/// <summary>Where an event was committed: on this node, or on another one (received over Redis or recovered from the database).</summary>
public enum EventOrigin
{
    Local,
    Remote,
}
