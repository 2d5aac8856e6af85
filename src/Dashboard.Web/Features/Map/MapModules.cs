using Microsoft.JSInterop;

namespace Dashboard.Web.Features.Map;

public static class MapModules
{
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
