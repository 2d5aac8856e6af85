using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Web.Hosting;

/// <summary>
/// Headers on every response. The CSP admits only this origin's scripts: Blazor Server, MudBlazor, Leaflet and ECharts need no eval;
/// inline styles stay allowed because MudBlazor and Leaflet set style attributes.
/// </summary>
public static class SecurityHeaders
{
    private static readonly ConditionalWeakTable<ImportMapDefinition, string> ImportMapHashes = [];

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, MapOptions map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var tiles = TileOrigin(map.TileUrl);
        return app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = Policy(context.GetEndpoint()?.Metadata.GetMetadata<ImportMapDefinition>(), tiles);
            await next();
        });
    }

    public static string Policy(ImportMapDefinition? importMap, string? tileOrigin)
    {
        // Pages carry Blazor's inline <script type="importmap">: its hash admits exactly that script and no other inline one.
        var importMapHash = importMap is null ? "" : " " + ImportMapHashes.GetValue(importMap, Hash);
        return "default-src 'self'; "
            + $"script-src 'self'{importMapHash}; "
            + "style-src 'self' 'unsafe-inline'; "
            + $"img-src 'self' data: blob:{(tileOrigin is null ? "" : " " + tileOrigin)}; "
            + "font-src 'self' data:; "
            + "connect-src 'self' ws: wss:; "
            + "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
    }

    /// <summary>The basemap's origin from a Leaflet template ("http://{s}.tiles.local/{z}/{x}/{y}.png" → "http://*.tiles.local").</summary>
    public static string? TileOrigin(string? tileUrl)
    {
        var scheme = tileUrl?.IndexOf("://", StringComparison.Ordinal) ?? -1;
        if (tileUrl is null || scheme < 0)
        {
            return null;
        }

        var end = tileUrl.IndexOf('/', scheme + 3);
        var origin = end < 0 ? tileUrl : tileUrl[..end];
        return origin.Replace("{s}", "*", StringComparison.Ordinal);
    }

    private static string Hash(ImportMapDefinition importMap) =>
        $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(importMap.ToString())))}'";
}
