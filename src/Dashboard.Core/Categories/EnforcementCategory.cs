namespace Dashboard.Core.Categories;

/// <summary>An enforcement item (执法事项) of comprehensive administrative law enforcement. Code is stable and stored.</summary>
public sealed record EnforcementCategory(string Code, string Name, string NameEn);

public static class DefaultCategories
{
    public static IReadOnlyList<EnforcementCategory> All { get; } =
    [
        new("ZDJY", "占道经营", "Street vending on the road"),
        new("CDJY", "跨门出店经营", "Business spilling out of the shopfront"),
        new("SDLJ", "私搭乱建", "Illegal construction"),
        new("FXCD", "飞线充电", "Flying-lead charging"),
        new("YYRM", "油烟扰民", "Cooking fumes nuisance"),
        new("ZSRM", "噪声扰民", "Noise nuisance"),
        new("JGFS", "秸秆焚烧", "Straw burning"),
        new("FJDC", "非机动车乱停放", "Disorderly bike parking"),
        new("WGGG", "违规广告牌", "Illegal billboard"),
        new("LTLH", "乱贴乱画", "Illegal posters and graffiti"),
        new("ZTSL", "渣土撒漏", "Muck spillage"),
        new("LJLD", "垃圾乱倒", "Illegal dumping"),
    ];

    public static EnforcementCategory? Find(string? code) =>
        All.FirstOrDefault(c => string.Equals(c.Code, code, StringComparison.Ordinal));

    public static bool IsKnown(string? code) => Find(code) is not null;
}
