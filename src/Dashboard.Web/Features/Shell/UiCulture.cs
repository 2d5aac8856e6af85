using System.Globalization;

namespace Dashboard.Web.Features.Shell;

public static class UiCulture
{
    /// <summary>The operator chose English; Chinese otherwise (the supported cultures are zh-CN and en).</summary>
    public static bool IsEnglish => CultureInfo.CurrentUICulture.Name.StartsWith("en", StringComparison.Ordinal);
}
