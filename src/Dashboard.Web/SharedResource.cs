namespace Dashboard.Web;

/// <summary>Marker for the UI strings in Resources/SharedResource*.resx (neutral = zh-CN, plus English).</summary>
#pragma warning disable CA1052 // IStringLocalizer<T> needs a type argument; it is never instantiated.
public sealed class SharedResource;
#pragma warning restore CA1052
