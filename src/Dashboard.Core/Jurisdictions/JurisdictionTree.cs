using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.Operation.Valid;

namespace Dashboard.Core.Jurisdictions;

/// <summary>
/// The immutable city → district → township → grid hierarchy with an STRtree for point location.
/// Build once from storage; replace the whole tree when boundaries change.
/// </summary>
public sealed class JurisdictionTree
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    private readonly Dictionary<string, JurisdictionNode> _byCode;
    private readonly Dictionary<string, List<JurisdictionNode>> _children;
    private readonly STRtree<Indexed> _grids = new();
    private readonly STRtree<Indexed> _townships = new();

    private sealed record Indexed(JurisdictionNode Node, IPreparedGeometry Prepared);

    public JurisdictionTree(IEnumerable<JurisdictionNode> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var list = nodes.ToList();
        var errors = Validate(list);
        if (errors.Count > 0)
        {
            throw new InvalidJurisdictionTreeException(errors);
        }

        _byCode = list.ToDictionary(n => n.Code, StringComparer.Ordinal);
        _children = list.Where(n => n.ParentCode is not null)
            .GroupBy(n => n.ParentCode!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(n => n.Code, StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        Root = list.Single(n => n.Level == JurisdictionLevel.City);

        foreach (var node in list)
        {
            var index = node.Level switch
            {
                JurisdictionLevel.Grid => _grids,
                JurisdictionLevel.Township => _townships,
                _ => null,
            };
            index?.Insert(node.Boundary.EnvelopeInternal, new Indexed(node, PreparedGeometryFactory.Prepare(node.Boundary)));
        }

        _grids.Build();
        _townships.Build();
    }

    public JurisdictionNode Root { get; }

    public int Count => _byCode.Count;

    public IEnumerable<JurisdictionNode> All => _byCode.Values;

    public JurisdictionNode? Find(string? code) =>
        code is not null && _byCode.TryGetValue(code, out var node) ? node : null;

    public IReadOnlyList<JurisdictionNode> ChildrenOf(string code) =>
        _children.TryGetValue(code, out var kids) ? kids : [];

    public IEnumerable<JurisdictionNode> OfLevel(JurisdictionLevel level) =>
        _byCode.Values.Where(n => n.Level == level).OrderBy(n => n.Code, StringComparer.Ordinal);

    /// <summary>The node itself, then its parent, up to the city.</summary>
    public IEnumerable<JurisdictionNode> SelfAndAncestors(string code)
    {
        for (var node = Find(code); node is not null; node = Find(node.ParentCode))
        {
            yield return node;
        }
    }

    /// <summary>True when <paramref name="code"/> is <paramref name="scopeCode"/> or lies below it.</summary>
    public bool IsWithin(string code, string scopeCode) =>
        SelfAndAncestors(code).Any(n => string.Equals(n.Code, scopeCode, StringComparison.Ordinal));

    /// <summary>The ancestor of <paramref name="code"/> at <paramref name="level"/>, or the node itself at that level.</summary>
    public JurisdictionNode? AncestorAt(string code, JurisdictionLevel level) =>
        SelfAndAncestors(code).FirstOrDefault(n => n.Level == level);

    /// <summary>All nodes below and including <paramref name="scopeCode"/>, depth first.</summary>
    public IEnumerable<JurisdictionNode> Subtree(string scopeCode)
    {
        var start = Find(scopeCode);
        if (start is null)
        {
            yield break;
        }

        var stack = new Stack<JurisdictionNode>();
        stack.Push(start);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            yield return node;
            var kids = ChildrenOf(node.Code);
            for (var i = kids.Count - 1; i >= 0; i--)
            {
                stack.Push(kids[i]);
            }
        }
    }

    /// <summary>Locates a WGS-84 point. Null when it lies outside every township of the city.</summary>
    public JurisdictionLocation? Locate(double latitude, double longitude)
    {
        if (!double.IsFinite(latitude) || !double.IsFinite(longitude))
        {
            return null;
        }

        var point = Factory.CreatePoint(new Coordinate(longitude, latitude));
        var grid = FirstContaining(_grids, point);
        var township = grid is not null
            ? AncestorAt(grid.Code, JurisdictionLevel.Township)
            : FirstContaining(_townships, point);
        if (township is null)
        {
            return null;
        }

        var district = AncestorAt(township.Code, JurisdictionLevel.District)!;
        return new JurisdictionLocation(grid, township, district, Root);
    }

    private static JurisdictionNode? FirstContaining(STRtree<Indexed> index, Point point)
    {
        foreach (var candidate in index.Query(point.EnvelopeInternal))
        {
            if (candidate.Prepared.Covers(point))
            {
                return candidate.Node;
            }
        }

        return null;
    }

    /// <summary>Checks that nodes form one tree: one city, unique codes, parents one level up, valid areal boundaries.</summary>
    public static IReadOnlyList<string> Validate(IReadOnlyCollection<JurisdictionNode> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var errors = new List<string>();
        var byCode = new Dictionary<string, JurisdictionNode>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            if (!byCode.TryAdd(node.Code, node))
            {
                errors.Add($"code '{node.Code}' appears more than once");
            }
        }

        var cities = nodes.Count(n => n.Level == JurisdictionLevel.City);
        if (cities != 1)
        {
            errors.Add($"exactly one city is required, found {cities}");
        }

        foreach (var node in nodes)
        {
            if (node.Level == JurisdictionLevel.City)
            {
                if (node.ParentCode is not null)
                {
                    errors.Add($"city '{node.Code}' must not have a parent");
                }
            }
            else if (node.ParentCode is null || !byCode.TryGetValue(node.ParentCode, out var parent))
            {
                errors.Add($"'{node.Code}': parent '{node.ParentCode}' does not exist");
            }
            else if (parent.Level != node.Level - 1)
            {
                errors.Add($"'{node.Code}' is a {node.Level} but its parent '{parent.Code}' is a {parent.Level}");
            }

            if (node.Boundary is not (Polygon or MultiPolygon) || node.Boundary.IsEmpty)
            {
                errors.Add($"'{node.Code}': boundary must be a non-empty Polygon or MultiPolygon");
            }
            else if (new IsValidOp(node.Boundary).ValidationError is { } invalid)
            {
                // Point-in-polygon answers on self-intersecting or mis-nested rings are undefined.
                errors.Add($"'{node.Code}': boundary is not valid: {invalid.Message} at {invalid.Coordinate}");
            }
        }

        return errors;
    }
}

public sealed class InvalidJurisdictionTreeException(IReadOnlyList<string> errors)
    : Exception("Invalid jurisdiction tree: " + string.Join("; ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
