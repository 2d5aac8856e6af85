using System.Threading.Channels;
using Dashboard.Data.Incidents;
using Dashboard.Web.Hosting;

namespace Dashboard.Web.Realtime;

/// <summary>
/// With scale-out, every event this node learns of (its own and other nodes' over Redis) passes through here and reaches the
/// notifier's subscribers once, in seq order. Seqs are global and grow in commit order without holes, and an event is published
/// only after its commit, so a seq beyond last + 1 means the ones in between are committed but not (yet) received: they are read
/// from the database before the newer event is delivered. The check runs on the node's whole stream, never per scope.
/// </summary>
public sealed class EventSequencer(IncidentNotifier notifier, IncidentRepository incidents, CityDirectory directory, ILogger<EventSequencer> logger)
{
    public const int CatchUpBatch = 1000;

    private readonly Channel<Item> _inbox = Channel.CreateUnbounded<Item>(new() { SingleReader = true });
    private long _last;
    private int _resyncs;

    /// <summary>The highest seq delivered; every seq up to it has been delivered.</summary>
    public long LastSeq => Volatile.Read(ref _last);

    /// <summary>How many times missing events were read from the database.</summary>
    public int Resyncs => Volatile.Read(ref _resyncs);

    public void Accept(LiveEvent e, EventOrigin origin) => _inbox.Writer.TryWrite(new Item(e, origin));

    /// <summary>Reads whatever was committed after <see cref="LastSeq"/> (after a Redis outage, when nothing newer may arrive to reveal the gap).</summary>
    public void RequestResync() => _inbox.Writer.TryWrite(new Item(null, EventOrigin.Remote));

    public async Task RunAsync(long startAfter, CancellationToken stop)
    {
        Volatile.Write(ref _last, startAfter);
        try
        {
            while (await _inbox.Reader.WaitToReadAsync(stop))
            {
                while (_inbox.Reader.TryRead(out var item))
                {
                    await ProcessAsync(item, stop);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task ProcessAsync(Item item, CancellationToken stop)
    {
        if (item.Event is not { } e)
        {
            await CatchUpAsync(null, stop);
            return;
        }

        if (e.Seq <= _last)
        {
            return; // already delivered, read from the database while filling a gap
        }

        if (e.Seq == _last + 1)
        {
            Deliver(item);
            return;
        }

        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("Live events {From}..{To} were not received: reading them from the database", _last + 1, e.Seq - 1);
        }

        await CatchUpAsync(item, stop);
    }

    private async Task CatchUpAsync(Item? pending, CancellationToken stop)
    {
        Interlocked.Increment(ref _resyncs);
        var root = directory.Tree.Root;
        try
        {
            while (true)
            {
                var rows = await incidents.EventsSinceAsync(_last, new ScopeFilter(root.Level, root.Code), CatchUpBatch, stop);
                foreach (var row in rows.Where(r => r.Event.Seq > _last))
                {
                    // The received copy carries the task; the database row only the incident as it is now.
                    Deliver(pending is { Event: { } p } && p.Seq == row.Event.Seq
                        ? pending.Value
                        : new Item(LiveEvent.From(row.Event, row.Incident), EventOrigin.Remote));
                }

                if (rows.Count < CatchUpBatch)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Could not read missed live events after seq {Seq} from the database", _last);
        }

        if (pending is { Event: { } late } && late.Seq > _last)
        {
            // The database did not answer: late and with a hole beats never.
            Deliver(pending.Value);
        }
    }

    private void Deliver(Item item)
    {
        notifier.Deliver(item.Event!, item.Origin);
        Volatile.Write(ref _last, item.Event!.Seq);
    }

    private readonly record struct Item(LiveEvent? Event, EventOrigin Origin);
}
