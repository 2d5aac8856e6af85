using Microsoft.AspNetCore.Components;

namespace Dashboard.Web.Features.Shell;

/// <summary>
/// A library icon (an SVG path from MudBlazor's <c>Icons</c>) as MudIcon's own markup, without a component around it: the
/// shell is on every console, and each component there is a render tree that every circuit keeps.
/// </summary>
public static class SvgIcon
{
    public const string Small = "mud-icon-root mud-svg-icon mud-icon-size-small";

    public static RenderFragment Render(string icon, string classes = Small) => builder =>
    {
        builder.OpenElement(0, "svg");
        builder.AddAttribute(1, "class", classes);
        builder.AddAttribute(2, "focusable", "false");
        builder.AddAttribute(3, "viewBox", "0 0 24 24");
        builder.AddAttribute(4, "aria-hidden", "true");
        builder.AddAttribute(5, "role", "img");
        builder.AddMarkupContent(6, icon);
        builder.CloseElement();
    };
}
