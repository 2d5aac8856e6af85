using NetTopologySuite.Geometries;

namespace Dashboard.Core.Jurisdictions;

public enum JurisdictionLevel
{
    City = 0,
    District = 1,
    Township = 2,
    Grid = 3,
}

/// <summary>A node of the command hierarchy. Boundary is WGS-84 (SRID 4326), X = longitude, Y = latitude.</summary>
public sealed record JurisdictionNode(string Code, string Name, JurisdictionLevel Level, string? ParentCode, Geometry Boundary);

/// <summary>Where a point falls: the grid (if grids cover it), and always its township, district and city.</summary>
public sealed record JurisdictionLocation(JurisdictionNode? Grid, JurisdictionNode Township, JurisdictionNode District, JurisdictionNode City)
{
    /// <summary>The most specific node containing the point.</summary>
    public JurisdictionNode Leaf => Grid ?? Township;
}
