using System.Text.Json;
using Microsoft.JSInterop;

namespace Dashboard.Web.Features.Map;

public static class MapModules
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// A map payload as JSON text (the modules parse strings): each circuit's JS runtime has serializer options of its own, and
    /// boxed numbers in rows made each build and keep metadata for every interface of long, int and double, about a tenth of
    /// a megabyte per console. Serialized here, that metadata exists once per server.
    /// </summary>
    public static string Json<T>(T value) => JsonSerializer.Serialize(value, JsonOptions);

    /// <summary>Asks the module to tear the map down, then releases both references; a closed browser is not an error.</summary>
    public static async ValueTask DisposeQuietlyAsync(IJSObjectReference? module, IJSObjectReference? map)
    {
        try
        {
            if (module is not null && map is not null)
            {
                await module.InvokeVoidAsync("dispose", map);
            }

            if (map is not null)
            {
                await map.DisposeAsync();
            }

            if (module is not null)
            {
                await module.DisposeAsync();
            }
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone; the browser dropped the map with the page.
        }
    }
}
