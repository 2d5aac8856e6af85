using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Dashboard.Core.Accounts;
using Dashboard.Core.Positions;
using Dashboard.Web.Features.Account;
using Dashboard.Web.Hosting;

namespace Dashboard.Web.Features.Map;

public static class PositionEndpoints
{
    public const string RateLimitPolicy = "positions";

    public const string OsmAndRateLimitPolicy = "osmand";

    public sealed record IngestResponse(int Accepted, int Filtered);

    public static IEndpointRouteBuilder MapPositionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/positions", PostAsync)
            .RequireAuthorization(p => p.RequireRole(Roles.Officer, Roles.Admin))
            .RequireRateLimiting(RateLimitPolicy)
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(512 * 1024))
            .Accepts<JsonElement>("application/json")
            .Produces<IngestResponse>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithName("PostPositions").WithTags("Positions")
            .WithSummary("A batch of GPS fixes [{officerId, lat, lon, at, speed?, heading?, accuracy?}] (at most 1000).");

        // Traccar Client / OsmAnd authenticate by device id alone, as the protocol defines.
        app.MapMethods("/api/v1/osmand", ["GET", "POST"], OsmAndAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .RequireRateLimiting(OsmAndRateLimitPolicy)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithName("OsmAnd").WithTags("Positions")
            .WithSummary("OsmAnd / Traccar Client protocol: ?id=&lat=&lon=&timestamp=&speed=(knots)&bearing=&accuracy=");
        return app;
    }

    private static async Task<IResult> PostAsync(HttpContext http, CityDirectory directory, PositionIngest ingest, TimeProvider time, CancellationToken ct)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: ct);
        }
        catch (JsonException ex)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"malformed JSON: {ex.Message}"] });
        }

        using (document)
        {
            var errors = new Dictionary<string, string[]>();
            var fixes = Read(document.RootElement, directory, time.GetUtcNow(), errors);
            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors, title: "The positions are invalid; none were stored.");
            }

            var user = http.User;
            if (!user.IsInRole(Roles.Admin))
            {
                var own = int.TryParse(user.FindFirstValue(DashboardClaims.OfficerId), CultureInfo.InvariantCulture, out var id) ? id : (int?)null;
                var foreign = fixes.Select((f, i) => (f, i)).FirstOrDefault(x => x.f.OfficerId != own);
                if (foreign.f is not null)
                {
                    return TypedResults.Problem(
                        title: "An officer may send only their own positions.",
                        detail: $"[{foreign.i}].officerId {foreign.f.OfficerId} is not you",
                        statusCode: StatusCodes.Status403Forbidden);
                }
            }

            var (outcome, accepted, filtered) = await ingest.SubmitAsync(fixes, ct);
            return outcome == IngestOutcome.Busy
                ? Busy(http, accepted)
                : TypedResults.Json(new IngestResponse(accepted, filtered), statusCode: StatusCodes.Status202Accepted);
        }
    }

    private static async Task<IResult> OsmAndAsync(HttpContext http, CityDirectory directory, PositionIngest ingest, TimeProvider time, CancellationToken ct)
    {
        var values = http.Request.Query.ToDictionary(q => q.Key, q => (string?)q.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        if (HttpMethods.IsPost(http.Request.Method) && http.Request.HasFormContentType)
        {
            foreach (var (key, value) in await http.Request.ReadFormAsync(ct))
            {
                values.TryAdd(key, value.ToString());
            }
        }

        var errors = new Dictionary<string, string[]>();
        var parsed = OsmAndProtocol.Parse(values, time.GetUtcNow(), errors);
        if (parsed is null)
        {
            return TypedResults.ValidationProblem(errors, title: "The position is invalid.");
        }

        var officer = directory.FindOfficerByDevice(parsed.DeviceId);
        if (officer is null)
        {
            return TypedResults.Problem(
                title: "Unknown device.",
                detail: $"id '{parsed.DeviceId}' is not registered to any officer",
                statusCode: StatusCodes.Status404NotFound,
                extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["id"] = ["unknown device"] } });
        }

        var fix = new PositionFix(officer.Id, parsed.Latitude, parsed.Longitude, parsed.At, parsed.Speed, parsed.Heading, parsed.Accuracy);
        var (outcome, accepted, _) = await ingest.SubmitAsync([fix], ct);
        return outcome == IngestOutcome.Busy ? Busy(http, accepted) : TypedResults.Ok();
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Busy(HttpContext http, int accepted)
    {
        http.Response.Headers.RetryAfter = "1";
        return TypedResults.Problem(
            title: "The position queue is full; retry shortly.",
            detail: $"{accepted} fix(es) of this request were queued; sending the batch again is safe.",
            statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>Reads [{officerId, lat, lon, at, speed?, heading?, accuracy?}] naming each bad field as [i].field.</summary>
    private static List<PositionFix> Read(JsonElement root, CityDirectory directory, DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        var fixes = new List<PositionFix>();
        if (root.ValueKind != JsonValueKind.Array)
        {
            errors["body"] = ["the body must be a JSON array of positions"];
            return fixes;
        }

        var count = root.GetArrayLength();
        if (count == 0 || count > PositionRules.MaxBatch)
        {
            errors["body"] = [$"send 1 to {PositionRules.MaxBatch} positions per request"];
            return fixes;
        }

        var index = 0;
        foreach (var item in root.EnumerateArray())
        {
            var prefix = $"[{index++}].";
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors[prefix.TrimEnd('.')] = ["each position must be an object"];
                continue;
            }

            int? officerId = item.TryGetProperty("officerId", out var o) && o.ValueKind == JsonValueKind.Number && o.TryGetInt32(out var id) ? id : null;
            if (officerId is null)
            {
                errors[prefix + "officerId"] = ["officerId must be an integer"];
            }
            else if (directory.FindOfficer(officerId.Value) is null)
            {
                errors[prefix + "officerId"] = [$"unknown officer {officerId}"];
            }

            var lat = Number(item, "lat", prefix, errors);
            var lon = Number(item, "lon", prefix, errors);
            var speed = Number(item, "speed", prefix, errors);
            var heading = Number(item, "heading", prefix, errors);
            var accuracy = Number(item, "accuracy", prefix, errors);
            DateTimeOffset? at = null;
            if (item.TryGetProperty("at", out var a) && a.ValueKind != JsonValueKind.Null)
            {
                if (a.ValueKind == JsonValueKind.String && a.TryGetDateTimeOffset(out var parsed))
                {
                    at = parsed;
                }
                else
                {
                    errors[prefix + "at"] = ["at must be an ISO-8601 date-time with offset"];
                    continue;
                }
            }

            if (errors.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal)))
            {
                continue;
            }

            PositionRules.Validate(prefix, lat, lon, at, speed, heading, accuracy, now, errors);
            if (!errors.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal)))
            {
                fixes.Add(new PositionFix(officerId!.Value, lat!.Value, lon!.Value, at!.Value, speed, heading, accuracy));
            }
        }

        return fixes;
    }

    private static double? Number(JsonElement item, string name, string prefix, Dictionary<string, string[]> errors)
    {
        if (!item.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number))
        {
            return number;
        }

        errors[prefix + name] = [$"{name} must be a number"];
        return null;
    }
}
