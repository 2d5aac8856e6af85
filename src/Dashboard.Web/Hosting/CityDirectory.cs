using Dashboard.Core.Jurisdictions;
using Dashboard.Core.Officers;
using Dashboard.Data.Jurisdictions;
using Dashboard.Data.Officers;

namespace Dashboard.Web.Hosting;

/// <summary>
/// The in-memory picture of the city (jurisdiction tree with its spatial index, teams, officers, centres).
/// Swapped whole on reload so readers never see a half-built state.
/// </summary>
public sealed class CityDirectory
{
    private Snapshot? _current;
    private readonly Lock _gate = new();
    private Dictionary<int, Officer> _officers = [];
    private Dictionary<string, Officer> _devices = [];

    public sealed record Snapshot(
        JurisdictionTree Tree,
        IReadOnlyList<Team> Teams,
        IReadOnlyList<Officer> Officers,
        IReadOnlyList<CommandCentre> CommandCentres,
        IReadOnlyList<GridCaptain> GridCaptains);

    public bool IsLoaded => _current is not null;

    public Snapshot Current => _current ?? throw new InvalidOperationException("The city directory has not been loaded yet.");

    public JurisdictionTree Tree => Current.Tree;

    public void Replace(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var officers = snapshot.Officers.ToDictionary(o => o.Id);
        var devices = snapshot.Officers.Where(o => o.DeviceId is not null).ToDictionary(o => o.DeviceId!, StringComparer.Ordinal);
        lock (_gate)
        {
            _officers = officers;
            _devices = devices;
            _current = snapshot;
        }
    }

    public Officer? FindOfficer(int id) => Volatile.Read(ref _officers).GetValueOrDefault(id);

    /// <summary>The officer whose GPS client reports as <paramref name="deviceId"/> (OsmAnd/Traccar id).</summary>
    public Officer? FindOfficerByDevice(string deviceId) => Volatile.Read(ref _devices).GetValueOrDefault(deviceId);

    /// <summary>The captain of a grid (the first, should a grid have more), or null for no grid or no captain.</summary>
    public GridCaptain? CaptainOfGrid(string? gridCode) =>
        gridCode is null ? null : Current.GridCaptains.FirstOrDefault(c => c.GridCode == gridCode);

    /// <summary>Officers whose township lies within <paramref name="scopeCode"/>.</summary>
    public IEnumerable<Officer> OfficersWithin(string scopeCode)
    {
        var snapshot = Current;
        return snapshot.Officers.Where(o => snapshot.Tree.IsWithin(o.TownshipCode, scopeCode));
    }
}

/// <summary>Reads the city from the database into the <see cref="CityDirectory"/>.</summary>
public sealed class CityDirectoryLoader(CityDirectory directory, JurisdictionRepository jurisdictions, ReferenceDataRepository reference)
{
    public async Task ReloadAsync(CancellationToken ct = default)
    {
        var nodes = await jurisdictions.LoadAllAsync(ct);
        if (nodes.Count == 0)
        {
            throw new InvalidOperationException(
                "The database holds no jurisdictions. Enable demo mode (Demo:Enabled=true) or run 'import-geojson <file>'.");
        }

        directory.Replace(new CityDirectory.Snapshot(
            new JurisdictionTree(nodes),
            await reference.LoadTeamsAsync(ct),
            await reference.LoadOfficersAsync(ct),
            await reference.LoadCommandCentresAsync(ct),
            await reference.LoadGridCaptainsAsync(ct)));
    }
}
