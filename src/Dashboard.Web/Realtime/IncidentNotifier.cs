using System.Threading.Channels;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Hosting;

namespace Dashboard.Web.Realtime;

/// <summary>
/// In-process fan-out of incident events to subscribers by jurisdiction scope. Each subscription drains its own
/// queue on its own loop: while a handler is busy (a circuit re-rendering), new events pile up and arrive as one
/// batch, so bursts are coalesced without delaying a lone event. Order is preserved per subscription.
/// </summary>
public sealed class IncidentNotifier(CityDirectory directory, ILogger<IncidentNotifier> logger)
{
    private readonly Lock _gate = new();
    private Subscription[] _subscriptions = [];

    public int SubscriberCount => Volatile.Read(ref _subscriptions).Length;

    /// <summary>Receives every event whose incident lies within <paramref name="scopeCode"/>. Dispose to stop.</summary>
    public IDisposable Subscribe(string scopeCode, Func<IReadOnlyList<LiveEvent>, Task> handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(scopeCode);
        return Add(scopeCode, handler);
    }

    /// <summary>Receives every event, whatever its place (relays to the hub and, later, to other nodes).</summary>
    public IDisposable SubscribeAll(Func<IReadOnlyList<LiveEvent>, Task> handler) => Add(null, handler);

    /// <summary>
    /// Receives the events <paramref name="filter"/> accepts, wherever their incident lies: an assignee's own tasks may be in
    /// any township. The filter runs on the publisher's thread; keep it cheap.
    /// </summary>
    public IDisposable Subscribe(Func<LiveEvent, bool> filter, Func<IReadOnlyList<LiveEvent>, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return Add(null, handler, filter);
    }

    private Subscription Add(string? scopeCode, Func<IReadOnlyList<LiveEvent>, Task> handler, Func<LiveEvent, bool>? filter = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var subscription = new Subscription(this, scopeCode, handler, filter);
        lock (_gate)
        {
            _subscriptions = [.. _subscriptions, subscription];
        }

        subscription.Start();
        return subscription;
    }

    public void Publish(LiveEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var tree = directory.Tree;
        foreach (var subscription in Volatile.Read(ref _subscriptions))
        {
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

    private sealed class Subscription(IncidentNotifier owner, string? scopeCode, Func<IReadOnlyList<LiveEvent>, Task> handler, Func<LiveEvent, bool>? filter)
        : IDisposable
    {
        private readonly Channel<LiveEvent> _queue = Channel.CreateUnbounded<LiveEvent>(new() { SingleReader = true });
        private readonly CancellationTokenSource _stop = new();
        private int _disposed;

        public string? ScopeCode { get; } = scopeCode;

        public Func<LiveEvent, bool>? Filter { get; } = filter;

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
