using System.Globalization;
using System.Security.Claims;
using System.Xml;
using Dashboard.Core.Accounts;
using Dashboard.Core.Positions;
using Dashboard.Data.Positions;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Hosting;
using NetTopologySuite.IO;

namespace Dashboard.Web.Features.Map;

public static class TrackEndpoints
{
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(7);

    public sealed record TrackPoint(double Lat, double Lon, DateTimeOffset At, double? Speed, double? Heading);

    public static IEndpointRouteBuilder MapTrackEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/officers/{id:int}")
            .RequireAuthorization(p => p.RequireRole(Roles.Operator, Roles.Leader, Roles.Admin))
            .WithTags("Positions");
        group.MapGet("/track", async (int id, DateTimeOffset? from, DateTimeOffset? to, ClaimsPrincipal user, CityDirectory directory,
                PositionRepository positions, TimeProvider time, CancellationToken ct) =>
            {
                var (problem, window) = Check(id, from, to, user, directory, time);
                if (problem is not null)
                {
                    return problem;
                }

                var track = await positions.TrackAsync(id, window.From, window.To, ct: ct);
                return TypedResults.Ok(track.Select(f => new TrackPoint(f.Latitude, f.Longitude, f.At, f.Speed, f.Heading)));
            })
            .WithName("GetTrack").WithSummary("An officer's fixes in [from, to] (default: the last hour), oldest first.");

        group.MapGet("/track.gpx", async (int id, DateTimeOffset? from, DateTimeOffset? to, ClaimsPrincipal user, CityDirectory directory,
                PositionRepository positions, TimeProvider time, CancellationToken ct) =>
            {
                var (problem, window) = Check(id, from, to, user, directory, time);
                if (problem is not null)
                {
                    return problem;
                }

                var officer = directory.FindOfficer(id)!;
                var track = await positions.TrackAsync(id, window.From, window.To, ct: ct);
                var file = $"{officer.Code}-{window.From.UtcDateTime:yyyyMMddHHmm}.gpx";
                return TypedResults.File(Gpx(officer.Name, track), "application/gpx+xml", file);
            })
            .WithName("GetTrackGpx").WithSummary("The same track as GPX 1.1.");
        return app;
    }

    public static byte[] Gpx(string name, IReadOnlyList<PositionFix> track)
    {
        ArgumentNullException.ThrowIfNull(track);
        var points = track.Select(f => new GpxWaypoint(new GpxLongitude(f.Longitude), new GpxLatitude(f.Latitude), null)
            .WithTimestampUtc(f.At.UtcDateTime));
        var gpxTrack = new GpxTrack().WithName(name).WithSegments([new GpxTrackSegment(new ImmutableGpxWaypointTable(points), null)]);
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, new XmlWriterSettings { Indent = true, Encoding = new System.Text.UTF8Encoding(false) }))
        {
            GpxWriter.Write(xml, new GpxWriterSettings(), new GpxMetadata("Dashboard"), null, null, [gpxTrack], null);
        }

        return buffer.ToArray();
    }

    private static (IResult? Problem, (DateTimeOffset From, DateTimeOffset To) Window) Check(
        int id, DateTimeOffset? from, DateTimeOffset? to, ClaimsPrincipal user, CityDirectory directory, TimeProvider time)
    {
        var end = to ?? time.GetUtcNow();
        var start = from ?? end.AddHours(-1);
        if (end <= start || end - start > MaxWindow)
        {
            return (TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["to"] = [$"to must be after from, at most {MaxWindow.TotalDays} days later"],
            }), default);
        }

        var officer = directory.FindOfficer(id);
        if (officer is null)
        {
            return (TypedResults.Problem(title: $"Officer {id} does not exist.", statusCode: StatusCodes.Status404NotFound), default);
        }

        var area = user.AreaOf(directory.Tree);
        if (area is null || !directory.Tree.IsWithin(officer.TownshipCode, area.Code))
        {
            return (TypedResults.Problem(title: "That officer is outside your scope.", statusCode: StatusCodes.Status403Forbidden), default);
        }

        return (null, (start, end));
    }
}
