using System.Text.Json;
using Dashboard.Core.Jurisdictions;
using NetTopologySuite.Features;
using NetTopologySuite.IO.Converters;

namespace Dashboard.Web.Features.Intake;

/// <summary>Boundaries as a GeoJSON FeatureCollection string (properties code, name, level) for the map modules.</summary>
public static class BoundaryGeoJson
{
    private static readonly JsonSerializerOptions Options = new() { Converters = { new GeoJsonConverterFactory() } };

    public static string Write(IEnumerable<JurisdictionNode> nodes)
    {
        var collection = new FeatureCollection();
        foreach (var node in nodes)
        {
            collection.Add(new Feature(node.Boundary, new AttributesTable
            {
                { "code", node.Code },
                { "name", node.Name },
                { "level", node.Level.ToString() },
            }));
        }

        return JsonSerializer.Serialize(collection, Options);
    }
}
