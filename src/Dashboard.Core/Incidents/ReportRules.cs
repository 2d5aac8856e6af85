namespace Dashboard.Core.Incidents;

/// <summary>Limits and checks for a grid captain's report, shared by the API and the report page.</summary>
public static class ReportRules
{
    public const int MaxClientIdLength = 64;
    public const int MaxDescriptionLength = 500;
    public const int MaxPhotos = 5;
    public const int MaxPhotoBytes = 5 * 1024 * 1024;
    public const int MaxFileNameLength = 120;

    /// <summary>How far in the future a device clock may put occurredAt before it is refused.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>Reports are about what is happening now; older events belong in a case file, not the live queue.</summary>
    public static readonly TimeSpan MaxOccurredAge = TimeSpan.FromDays(7);

    public static readonly IReadOnlyList<string> PhotoContentTypes = ["image/jpeg", "image/png", "image/webp"];

    public static bool IsValidClientId(string value) =>
        value.Length is > 0 and <= MaxClientIdLength && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');

    /// <summary>True when the bytes really are an image of the declared type (magic numbers), so nothing else is stored as a photo.</summary>
    public static bool LooksLike(string contentType, ReadOnlySpan<byte> content) => contentType switch
    {
        "image/jpeg" => content.Length > 3 && content[0] == 0xFF && content[1] == 0xD8 && content[2] == 0xFF,
        "image/png" => content.Length > 8 && content[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        "image/webp" => content.Length > 12 && content[..4].SequenceEqual("RIFF"u8) && content[8..12].SequenceEqual("WEBP"u8),
        _ => false,
    };
}
