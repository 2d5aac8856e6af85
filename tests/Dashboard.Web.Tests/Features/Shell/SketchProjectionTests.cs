using Dashboard.Web.Features.Shell;
using NetTopologySuite.Geometries;

namespace Dashboard.Web.Tests.Features.Shell;

public sealed class SketchProjectionTests
{
    [Fact]
    public void Projection_keeps_the_envelope_inside_the_box_with_north_up()
    {
        var envelope = new Envelope(121.3, 121.9, 29.7, 30.2);
        var projection = SketchProjection.Fit(envelope, 1000, 640);

        var (wx, ny) = projection.Project(new Coordinate(121.3, 30.2));
        var (ex, sy) = projection.Project(new Coordinate(121.9, 29.7));

        Assert.True(wx >= 0 && ex <= 1000 && wx < ex);
        Assert.True(ny >= 0 && sy <= 640 && ny < sy);
    }
}
