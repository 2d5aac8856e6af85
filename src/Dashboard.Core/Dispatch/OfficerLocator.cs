using Dashboard.Core.Jurisdictions;
using Dashboard.Core.Officers;
using Dashboard.Core.Positions;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;

namespace Dashboard.Core.Dispatch;

/// <summary>
/// The dispatch recommender's live picture: every officer's latest position in an updatable spatial index, and which officers
/// are busy with a task. Thread-safe: positions and busy flags are updated from ingest and dispatch while operators ask.
/// </summary>
/// <remarks>
/// The index is a uniform grid of cells over the city's envelope (plus a margin); positions outside it sit in one overflow
/// cell that every search reads. A search reads rings of cells outward from the incident and stops as soon as no unread cell
/// can hold an officer ranked above the last one it must return, or lies beyond <see cref="RecommenderOptions.MaxDistanceMeters"/>.
/// One <see cref="Lock"/> guards the mutable state: an update is a few array writes, a search tens of microseconds.
/// </remarks>
public sealed class OfficerLocator
{
    private const double CellDegrees = 0.01;
    private const double GridMarginDegrees = 0.1;
    private const int MaxCells = 4_000_000;

    /// <summary>About 5 m: Voronoi-generated neighbours share edges only up to floating-point noise.</summary>
    private const double NeighbourToleranceDegrees = 5e-5;

    private const double ToRadians = Math.PI / 180;

    private readonly RecommenderOptions _options;

    // Immutable after construction; an officer is addressed by its slot (index in _officers).
    private readonly Officer[] _officers;
    private readonly int[] _ids;
    private readonly int[] _modeOf;
    private readonly int[] _townshipOf;
    private readonly Dictionary<int, int> _slotById;
    private readonly Dictionary<string, int> _townshipIndex = new(StringComparer.Ordinal);
    private readonly int _townshipCount;
    private readonly bool[] _adjacent;
    private readonly string[][] _neighbourCodes;
    private readonly Dictionary<string, int> _skillIndex = new(StringComparer.Ordinal);
    private readonly int _skillWords;
    private readonly ulong[] _skills;
    private readonly double _minLatitude;
    private readonly double _minLongitude;
    private readonly double _cellDegrees;
    private readonly int _rows;
    private readonly int _columns;
    private readonly int _overflowCell;

    // Mutable, guarded by _gate.
    private readonly Lock _gate = new();
    private readonly double[] _latitude;
    private readonly double[] _longitude;
    private readonly long[] _fixTicks;
    private readonly bool[] _busy;
    private readonly int[] _cellOf;
    private readonly int[] _indexInCell;
    private readonly int[]?[] _cellSlots;
    private readonly int[] _cellCount;

    /// <param name="officers">The city's officers (skills, township, travel mode).</param>
    /// <param name="tree">Jurisdictions, for the townships bordering each township.</param>
    public OfficerLocator(IEnumerable<Officer> officers, JurisdictionTree tree, RecommenderOptions options)
    {
        ArgumentNullException.ThrowIfNull(officers);
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _officers = officers.ToArray();
        var count = _officers.Length;
        _ids = new int[count];
        _modeOf = new int[count];
        _townshipOf = new int[count];
        _slotById = new Dictionary<int, int>(count);

        var townships = tree.OfLevel(JurisdictionLevel.Township).ToArray();
        foreach (var township in townships)
        {
            _townshipIndex.Add(township.Code, _townshipIndex.Count);
        }

        for (var slot = 0; slot < count; slot++)
        {
            var officer = _officers[slot] ?? throw new ArgumentException("officers must not contain null", nameof(officers));
            if (!_slotById.TryAdd(officer.Id, slot))
            {
                throw new ArgumentException($"officer id {officer.Id} appears more than once", nameof(officers));
            }

            _ids[slot] = officer.Id;
            _modeOf[slot] = ModeIndex(officer.Mode);
            // A township missing from the tree still groups its own officers; it just has no neighbours.
            _townshipOf[slot] = _townshipIndex.TryAdd(officer.TownshipCode, _townshipIndex.Count)
                ? _townshipIndex.Count - 1
                : _townshipIndex[officer.TownshipCode];
            foreach (var skill in officer.Skills)
            {
                _skillIndex.TryAdd(skill, _skillIndex.Count);
            }
        }

        _townshipCount = _townshipIndex.Count;
        _adjacent = Adjacency(townships, _townshipCount);
        var codes = new string[_townshipCount];
        foreach (var (code, index) in _townshipIndex)
        {
            codes[index] = code;
        }

        _neighbourCodes = new string[_townshipCount][];
        for (var t = 0; t < _townshipCount; t++)
        {
            var row = t * _townshipCount;
            _neighbourCodes[t] = Enumerable.Range(0, _townshipCount).Where(u => _adjacent[row + u]).Select(u => codes[u])
                .Order(StringComparer.Ordinal).ToArray();
        }

        _skillWords = Math.Max(1, (_skillIndex.Count + 63) / 64);
        _skills = new ulong[count * _skillWords];
        for (var slot = 0; slot < count; slot++)
        {
            foreach (var skill in _officers[slot].Skills)
            {
                var bit = _skillIndex[skill];
                _skills[(slot * _skillWords) + (bit >> 6)] |= 1UL << (bit & 63);
            }
        }

        var extent = new Envelope(tree.Root.Boundary.EnvelopeInternal);
        extent.ExpandBy(GridMarginDegrees);
        _cellDegrees = CellDegrees;
        while ((Math.Ceiling(extent.Height / _cellDegrees) * Math.Ceiling(extent.Width / _cellDegrees)) > MaxCells)
        {
            _cellDegrees *= 2;
        }

        _minLatitude = extent.MinY;
        _minLongitude = extent.MinX;
        _rows = Math.Max(1, (int)Math.Ceiling(extent.Height / _cellDegrees));
        _columns = Math.Max(1, (int)Math.Ceiling(extent.Width / _cellDegrees));
        _overflowCell = _rows * _columns;
        _cellSlots = new int[]?[_overflowCell + 1];
        _cellCount = new int[_overflowCell + 1];

        _latitude = new double[count];
        _longitude = new double[count];
        _fixTicks = new long[count];
        _busy = new bool[count];
        _indexInCell = new int[count];
        _cellOf = new int[count];
        Array.Fill(_cellOf, -1);
    }

    /// <summary>Records a position; an older fix than the one held is ignored, and so is an officer the locator does not know.</summary>
    public void Update(int officerId, double latitude, double longitude, DateTimeOffset at)
    {
        if (!double.IsFinite(latitude) || latitude is < -90 or > 90)
        {
            throw new ArgumentOutOfRangeException(nameof(latitude), latitude, "latitude must be between -90 and 90");
        }

        if (!double.IsFinite(longitude) || longitude is < -180 or > 180)
        {
            throw new ArgumentOutOfRangeException(nameof(longitude), longitude, "longitude must be between -180 and 180");
        }

        if (!_slotById.TryGetValue(officerId, out var slot))
        {
            return;
        }

        var ticks = at.UtcTicks;
        var cell = CellOf(latitude, longitude);
        lock (_gate)
        {
            var current = _cellOf[slot];
            if (current >= 0 && ticks < _fixTicks[slot])
            {
                return;
            }

            _latitude[slot] = latitude;
            _longitude[slot] = longitude;
            _fixTicks[slot] = ticks;
            if (current != cell)
            {
                if (current >= 0)
                {
                    RemoveFromCell(slot, current);
                }

                AddToCell(slot, cell);
            }
        }
    }

    /// <summary>Marks an officer busy with a task (not offered) or free again; an unknown officer is ignored.</summary>
    public void SetBusy(int officerId, bool busy)
    {
        if (_slotById.TryGetValue(officerId, out var slot))
        {
            lock (_gate)
            {
                _busy[slot] = busy;
            }
        }
    }

    public bool IsBusy(int officerId)
    {
        if (!_slotById.TryGetValue(officerId, out var slot))
        {
            return false;
        }

        lock (_gate)
        {
            return _busy[slot];
        }
    }

    /// <summary>The townships bordering <paramref name="townshipCode"/> (sharing an edge or a corner), by code; empty when unknown.</summary>
    public IReadOnlyList<string> NeighboursOf(string townshipCode)
    {
        ArgumentNullException.ThrowIfNull(townshipCode);
        return _townshipIndex.TryGetValue(townshipCode, out var index) ? _neighbourCodes[index] : [];
    }

    /// <summary>
    /// Ranked options: available (not busy), on duty (a fix within OfflineAfter) officers with the category's skill — the
    /// responsible township first, then its neighbours; fresh before stale; by ETA (haversine distance / mode speed); ties by
    /// newer fix, then officer id — and the grid's captain last. At most MaxResults officers plus the captain. Officers
    /// farther than MaxDistanceMeters are not offered.
    /// </summary>
    public IReadOnlyList<Recommendation> Recommend(RecommendationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.TownshipCode, nameof(request));
        ArgumentNullException.ThrowIfNull(request.CategoryCode, nameof(request));
        if (!double.IsFinite(request.Latitude) || request.Latitude is < -90 or > 90
            || !double.IsFinite(request.Longitude) || request.Longitude is < -180 or > 180)
        {
            throw new ArgumentOutOfRangeException(nameof(request), "the incident's latitude and longitude must be valid WGS-84 degrees");
        }

        var options = _options;
        var maxResults = Math.Max(0, options.MaxResults);
        Span<Candidate> top = maxResults <= 64 ? stackalloc Candidate[maxResults] : new Candidate[maxResults];
        var found = 0;
        if (maxResults > 0
            && _townshipIndex.TryGetValue(request.TownshipCode, out var township)
            && _skillIndex.TryGetValue(request.CategoryCode, out var skill))
        {
            var query = new Query(request, options, township * _townshipCount, township, skill);
            lock (_gate)
            {
                found = Search(in query, top);
            }
        }

        var results = new Recommendation[found + (request.Captain is null ? 0 : 1)];
        for (var i = 0; i < found; i++)
        {
            var c = top[i];
            var officer = _officers[c.Slot];
            results[i] = new Recommendation(
                i + 1,
                Assignee.ForOfficer(officer.Id, officer.Name),
                c.Tier < 2 ? CandidateGroup.Township : CandidateGroup.Neighbour,
                officer.TownshipCode,
                c.Distance,
                TimeSpan.FromSeconds(c.Eta),
                TimeSpan.FromTicks(c.Age),
                (c.Tier & 1) == 1);
        }

        if (request.Captain is { } captain)
        {
            results[found] = new Recommendation(
                found + 1, Assignee.ForCaptain(captain.Code, captain.Name), CandidateGroup.Captain, request.TownshipCode, null, null, null, false);
        }

        return results;
    }

    private int Search(in Query q, Span<Candidate> top)
    {
        var count = ScanCell(_overflowCell, in q, top, 0);
        var row0 = (int)Math.Floor((q.Latitude - _minLatitude) / _cellDegrees);
        var column0 = (int)Math.Floor((q.Longitude - _minLongitude) / _cellDegrees);
        for (var r = 0; ; r++)
        {
            int rowLo = row0 - r, rowHi = row0 + r, columnLo = column0 - r, columnHi = column0 + r;
            count = ScanRow(rowLo, columnLo, columnHi, in q, top, count);
            if (r > 0)
            {
                count = ScanRow(rowHi, columnLo, columnHi, in q, top, count);
                count = ScanColumn(columnLo, rowLo + 1, rowHi - 1, in q, top, count);
                count = ScanColumn(columnHi, rowLo + 1, rowHi - 1, in q, top, count);
            }

            if (rowLo <= 0 && rowHi >= _rows - 1 && columnLo <= 0 && columnHi >= _columns - 1)
            {
                return count;
            }

            var reach = UnreadReach(in q, rowLo, rowHi, columnLo, columnHi);
            if (reach > q.MaxDistance)
            {
                return count;
            }

            // Group and freshness outrank distance, so only a full list whose last entry is a fresh township officer can be
            // beaten by distance alone — and not by anything at least `reach` away even at the fastest mode's speed.
            if (count == top.Length && top[count - 1].Tier == 0 && top[count - 1].Eta < reach * 3.6 / q.FastestKmh)
            {
                return count;
            }
        }
    }

    /// <summary>A lower bound on the distance from the incident to any point outside the square of cells read so far.</summary>
    private double UnreadReach(in Query q, int rowLo, int rowHi, int columnLo, int columnHi)
    {
        var south = q.Latitude - (_minLatitude + (rowLo * _cellDegrees));
        var north = _minLatitude + ((rowHi + 1) * _cellDegrees) - q.Latitude;
        var west = q.Longitude - (_minLongitude + (columnLo * _cellDegrees));
        var east = _minLongitude + ((columnHi + 1) * _cellDegrees) - q.Longitude;
        var alongMeridian = Math.Max(0, Math.Min(south, north)) * ToRadians * Geo.EarthRadiusMeters;
        // The nearest point of a meridian Δλ away is at asin(cos φ · sin Δλ): closer than along the parallel.
        var lonDegrees = Math.Clamp(Math.Min(west, east), 0, 90);
        var acrossMeridian = Geo.EarthRadiusMeters * Math.Asin(Math.Min(1, q.CosLatitude * Math.Sin(lonDegrees * ToRadians)));
        // Shaved so that rounding in the haversine can never put a skipped officer ahead of one returned.
        return (Math.Min(alongMeridian, acrossMeridian) * (1 - 1e-9)) - 1e-3;
    }

    private int ScanRow(int row, int columnLo, int columnHi, in Query q, Span<Candidate> top, int count)
    {
        if ((uint)row >= (uint)_rows)
        {
            return count;
        }

        var from = Math.Max(0, columnLo);
        var to = Math.Min(_columns - 1, columnHi);
        var rowStart = row * _columns;
        for (var column = from; column <= to; column++)
        {
            count = ScanCell(rowStart + column, in q, top, count);
        }

        return count;
    }

    private int ScanColumn(int column, int rowLo, int rowHi, in Query q, Span<Candidate> top, int count)
    {
        if ((uint)column >= (uint)_columns)
        {
            return count;
        }

        var from = Math.Max(0, rowLo);
        var to = Math.Min(_rows - 1, rowHi);
        for (var row = from; row <= to; row++)
        {
            count = ScanCell((row * _columns) + column, in q, top, count);
        }

        return count;
    }

    private int ScanCell(int cell, in Query q, Span<Candidate> top, int count)
    {
        var n = _cellCount[cell];
        if (n == 0)
        {
            return count;
        }

        var members = _cellSlots[cell]!;
        for (var i = 0; i < n; i++)
        {
            count = Consider(members[i], in q, top, count);
        }

        return count;
    }

    private int Consider(int slot, in Query q, Span<Candidate> top, int count)
    {
        if (_busy[slot])
        {
            return count;
        }

        // Tier: 0 township fresh, 1 township stale, 2 neighbour fresh, 3 neighbour stale.
        var township = _townshipOf[slot];
        int tier;
        if (township == q.Township)
        {
            tier = 0;
        }
        else if (_adjacent[q.AdjacencyRow + township])
        {
            tier = 2;
        }
        else
        {
            return count;
        }

        if ((_skills[(slot * _skillWords) + q.SkillWord] & q.SkillBit) == 0)
        {
            return count;
        }

        var at = _fixTicks[slot];
        var age = Math.Max(0, q.NowTicks - at);
        if (age > q.OfflineTicks)
        {
            return count;
        }

        if (age > q.StaleTicks)
        {
            tier++;
        }

        if (count == top.Length && tier > top[count - 1].Tier)
        {
            return count;
        }

        var distance = Geo.HaversineMeters(q.Latitude, q.Longitude, _latitude[slot], _longitude[slot]);
        if (distance > q.MaxDistance)
        {
            return count;
        }

        var candidate = new Candidate(slot, _ids[slot], tier, distance * 3.6 / q.Kmh(_modeOf[slot]), distance, at, age);
        return Insert(top, count, in candidate);
    }

    /// <summary>Insertion into the sorted top list: MaxResults is a handful, so this beats any heap.</summary>
    private static int Insert(Span<Candidate> top, int count, in Candidate candidate)
    {
        int i;
        if (count < top.Length)
        {
            i = count++;
        }
        else if (candidate.RanksBefore(in top[count - 1]))
        {
            i = count - 1;
        }
        else
        {
            return count;
        }

        while (i > 0 && candidate.RanksBefore(in top[i - 1]))
        {
            top[i] = top[i - 1];
            i--;
        }

        top[i] = candidate;
        return count;
    }

    private int CellOf(double latitude, double longitude)
    {
        var row = Math.Floor((latitude - _minLatitude) / _cellDegrees);
        var column = Math.Floor((longitude - _minLongitude) / _cellDegrees);
        return row >= 0 && row < _rows && column >= 0 && column < _columns
            ? ((int)row * _columns) + (int)column
            : _overflowCell;
    }

    private void AddToCell(int slot, int cell)
    {
        ref var members = ref _cellSlots[cell];
        var n = _cellCount[cell];
        if (members is null)
        {
            members = new int[4];
        }
        else if (n == members.Length)
        {
            Array.Resize(ref members, n * 2);
        }

        members[n] = slot;
        _indexInCell[slot] = n;
        _cellCount[cell] = n + 1;
        _cellOf[slot] = cell;
    }

    private void RemoveFromCell(int slot, int cell)
    {
        var members = _cellSlots[cell]!;
        var last = --_cellCount[cell];
        var moved = members[last];
        var index = _indexInCell[slot];
        members[index] = moved;
        _indexInCell[moved] = index;
    }

    private static int ModeIndex(TravelMode mode) => mode switch
    {
        TravelMode.Car => 1,
        TravelMode.Foot => 2,
        _ => 0,
    };

    /// <summary>Townships whose boundaries touch or overlap (within a few metres), as a flat count × count matrix.</summary>
    private static bool[] Adjacency(JurisdictionNode[] townships, int count)
    {
        var adjacent = new bool[count * count];
        var grown = townships.Select(t => PreparedGeometryFactory.Prepare(t.Boundary.Buffer(NeighbourToleranceDegrees))).ToArray();
        for (var i = 0; i < townships.Length; i++)
        {
            var reach = new Envelope(townships[i].Boundary.EnvelopeInternal);
            reach.ExpandBy(NeighbourToleranceDegrees * 2);
            for (var j = i + 1; j < townships.Length; j++)
            {
                if (reach.Intersects(townships[j].Boundary.EnvelopeInternal) && grown[i].Intersects(townships[j].Boundary))
                {
                    adjacent[(i * count) + j] = true;
                    adjacent[(j * count) + i] = true;
                }
            }
        }

        return adjacent;
    }

    private readonly struct Query
    {
        private readonly double _ebike;
        private readonly double _car;
        private readonly double _foot;

        public Query(RecommendationRequest request, RecommenderOptions options, int adjacencyRow, int township, int skill)
        {
            Latitude = request.Latitude;
            Longitude = request.Longitude;
            CosLatitude = Math.Cos(request.Latitude * ToRadians);
            AdjacencyRow = adjacencyRow;
            Township = township;
            SkillWord = skill >> 6;
            SkillBit = 1UL << (skill & 63);
            NowTicks = request.Now.UtcTicks;
            StaleTicks = options.StaleAfter.Ticks;
            OfflineTicks = options.OfflineAfter.Ticks;
            MaxDistance = options.MaxDistanceMeters;
            _ebike = Speed(options.EBikeKmh);
            _car = Speed(options.CarKmh);
            _foot = Speed(options.FootKmh);
            FastestKmh = Math.Max(_ebike, Math.Max(_car, _foot));
        }

        public double Latitude { get; }

        public double Longitude { get; }

        public double CosLatitude { get; }

        public int AdjacencyRow { get; }

        public int Township { get; }

        public int SkillWord { get; }

        public ulong SkillBit { get; }

        public long NowTicks { get; }

        public long StaleTicks { get; }

        public long OfflineTicks { get; }

        public double MaxDistance { get; }

        public double FastestKmh { get; }

        public double Kmh(int mode) => mode switch
        {
            1 => _car,
            2 => _foot,
            _ => _ebike,
        };

        private static double Speed(double kmh) => double.IsFinite(kmh) && kmh > 0
            ? kmh
            : throw new InvalidOperationException($"travel speeds must be positive km/h, got {kmh}");
    }

    private readonly record struct Candidate(int Slot, int Id, int Tier, double Eta, double Distance, long At, long Age)
    {
        public bool RanksBefore(in Candidate other) =>
            Tier != other.Tier ? Tier < other.Tier
            : Eta != other.Eta ? Eta < other.Eta
            : At != other.At ? At > other.At
            : Id < other.Id;
    }
}
